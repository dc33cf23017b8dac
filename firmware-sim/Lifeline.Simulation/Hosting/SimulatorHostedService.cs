using Lifeline.Domain.Assets;
using Lifeline.Simulation.Publishing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Hosting;

/// <summary>Runs the telemetry publisher inside the host when <c>Simulator:Enabled</c> is true.</summary>
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

        var publisherSettings = new PublisherSettings
        {
            Host = mqtt.Value.Host,
            Port = mqtt.Value.Port,
            RatePerDevice = settings.RatePerDevice,
            Connections = settings.Connections,
            MaxInFlight = settings.MaxInFlight,
        };
        Log.Starting(logger, plan.Devices.Count, publisherSettings.Host, publisherSettings.Port, settings.RatePerDevice, settings.Seed, plan.Scenarios.Scenarios.Count);
        using var publisher = new TelemetryPublisher(plan.Devices, plan.Generator, publisherSettings, timeProvider, counters, logger);
        await publisher.RunAsync(stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Simulator: {Devices} devices to {Host}:{Port} at {Rate} msg/s each, seed {Seed}, {Scenarios} scenarios")]
        public static partial void Starting(ILogger logger, int devices, string host, int port, double rate, int seed, int scenarios);

        [LoggerMessage(2, LogLevel.Error, "Simulator configuration: {Error}")]
        public static partial void SetupError(ILogger logger, string error);

        [LoggerMessage(3, LogLevel.Information, "Simulator: {Note}")]
        public static partial void Note(ILogger logger, string note);
    }
}
