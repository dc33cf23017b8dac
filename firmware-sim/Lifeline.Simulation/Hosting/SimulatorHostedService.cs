using Lifeline.Domain.Assets;
using Lifeline.Simulation.Modbus;
using Lifeline.Simulation.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Hosting;

/// <summary>
/// Runs the simulator inside the host when <c>Simulator:Enabled</c> is true: the Modbus slaves for the devices of
/// <c>modbus.yaml</c> when <c>Simulator:Modbus:Enabled</c>, and the MQTT publisher for every other device.
/// </summary>
internal sealed partial class SimulatorHostedService(
    AssetRegistry registry,
    IOptions<SimulatorOptions> options,
    IOptions<SimulatorMqttOptions> mqtt,
    SimulatorCounters counters,
    TimeProvider timeProvider,
    ILogger<SimulatorHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting (the embedded broker among it) before doing any work.
        await Task.Yield();
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        if (!SimulationPlan.TryCreate(registry, settings, timeProvider.GetUtcNow(), out var plan, out var errors))
        {
            foreach (var error in errors)
            {
                Log.SetupError(logger, error);
            }

            throw new InvalidOperationException($"The simulator cannot start: {string.Join("; ", errors)}");
        }

        foreach (var note in plan.Notes)
        {
            Log.Note(logger, note);
        }

        var runs = new List<Task>();
        await using var farm = CreateFarm(plan, settings.Modbus);
        IReadOnlyList<Device> mqttDevices = plan.Devices;
        if (farm is not null)
        {
            var served = farm.Slaves.Select(s => s.DeviceId).ToHashSet(StringComparer.Ordinal);
            mqttDevices = plan.Devices.Where(d => !served.Contains(d.Id)).ToList();
            await farm.StartAsync(stoppingToken);
            runs.Add(farm.RunAsync(stoppingToken));
        }

        if (mqttDevices.Count == 0)
        {
            await Task.WhenAll(runs);
            return;
        }

        var publisherSettings = new PublisherSettings
        {
            Host = mqtt.Value.Host,
            Port = mqtt.Value.Port,
            RatePerDevice = settings.RatePerDevice,
            Connections = settings.Connections,
            MaxInFlight = settings.MaxInFlight,
        };
        Log.Starting(logger, mqttDevices.Count, publisherSettings.Host, publisherSettings.Port, settings.RatePerDevice, settings.Seed, plan.Scenarios.Scenarios.Count);
        using var publisher = new TelemetryPublisher(mqttDevices, plan.Generator, publisherSettings, timeProvider, counters, logger);
        runs.Add(publisher.RunAsync(stoppingToken));
        await Task.WhenAll(runs);
    }

    /// <summary>The Modbus slaves of the simulated devices listed in modbus.yaml, or null when they are off or cannot be had.</summary>
    private ModbusSlaveFarm? CreateFarm(SimulationPlan plan, SimulatorModbusOptions modbus)
    {
        if (modbus.Enabled != true || modbus.Path is not { } path)
        {
            return null;
        }

        if (!ModbusSlaveFarm.TryLoadPlan(path, registry, plan.Devices, out var slaves, out var problems))
        {
            // The simulator carries on: every device publishes over MQTT.
            Log.ModbusUnavailable(logger, path, string.Join(Environment.NewLine + "  ", problems));
            return null;
        }

        return slaves.Devices.Count == 0 ? null : new ModbusSlaveFarm(slaves, plan.Generator, modbus, timeProvider, logger, counters);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Simulator: {Devices} devices to {Host}:{Port} at {Rate} msg/s each, seed {Seed}, {Scenarios} scenarios")]
        public static partial void Starting(ILogger logger, int devices, string host, int port, double rate, int seed, int scenarios);

        [LoggerMessage(2, LogLevel.Error, "Simulator configuration: {Error}")]
        public static partial void SetupError(ILogger logger, string error);

        [LoggerMessage(3, LogLevel.Information, "Simulator: {Note}")]
        public static partial void Note(ILogger logger, string note);

        [LoggerMessage(4, LogLevel.Error, "Simulator: no Modbus slaves, every device publishes over MQTT: {Path} cannot be used:\n  {Problems}")]
        public static partial void ModbusUnavailable(ILogger logger, string path, string problems);
    }
}
