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

        foreach (var spec in options.Scenarios)
        {
            if (!ScenarioSpec.TryParse(spec, out _, out var error))
            {
                failures.Add(error);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
