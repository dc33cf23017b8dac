using System.Net;
using Lifeline.Simulation.Modbus;
using Lifeline.Simulation.Scenarios;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Hosting;

/// <summary>Fails start-up on impossible simulator settings and on scenario specs that do not parse.</summary>
internal sealed class SimulatorOptionsValidator : IValidateOptions<SimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!(options.RatePerDevice > 0 && options.RatePerDevice <= 1000))
        {
            failures.Add($"Simulator:RatePerDevice must be in (0, 1000] messages per second, not {options.RatePerDevice}");
        }

        if (options.Connections is < 1 or > 256)
        {
            failures.Add($"Simulator:Connections must be between 1 and 256, not {options.Connections}");
        }

        if (options.MaxInFlight < 1)
        {
            failures.Add($"Simulator:MaxInFlight must be at least 1, not {options.MaxInFlight}");
        }

        if (options.VentilationTimeConstant <= TimeSpan.Zero)
        {
            failures.Add($"Simulator:VentilationTimeConstant must be positive (e.g. 00:01:00), not {options.VentilationTimeConstant}");
        }

        ValidateModbus(options.Modbus, failures);
        foreach (var spec in options.Scenarios)
        {
            if (!ScenarioSpec.TryParse(spec, out _, out var error))
            {
                failures.Add(error);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateModbus(SimulatorModbusOptions modbus, List<string> failures)
    {
        if (modbus.Enabled != true)
        {
            return;
        }

        if (modbus.UpdateInterval < SimulatorModbusOptions.MinUpdateInterval || modbus.UpdateInterval > SimulatorModbusOptions.MaxUpdateInterval)
        {
            failures.Add($"Simulator:Modbus:UpdateInterval must be between {SimulatorModbusOptions.MinUpdateInterval} and {SimulatorModbusOptions.MaxUpdateInterval}, not {modbus.UpdateInterval}");
        }

        if (modbus.PortOffset is < -65535 or > 65535)
        {
            failures.Add($"Simulator:Modbus:PortOffset must be between -65535 and 65535, not {modbus.PortOffset}");
        }

        foreach (var (device, port) in modbus.Ports.Where(p => p.Value is < 0 or > 65535))
        {
            failures.Add($"Simulator:Modbus:Ports:{device} must be a port 0..65535 (0: any free port), not {port}");
        }

        if (!string.IsNullOrWhiteSpace(modbus.BindAddress) && !IPAddress.TryParse(modbus.BindAddress.Trim(), out _)
            && !string.Equals(modbus.BindAddress.Trim(), "localhost", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Simulator:Modbus:BindAddress must be an IP address (e.g. 127.0.0.1 or 0.0.0.0), not '{modbus.BindAddress}'");
        }
    }
}
