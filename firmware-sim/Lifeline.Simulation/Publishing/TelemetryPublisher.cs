using Lifeline.Domain.Assets;
using Lifeline.Simulation.Signals;
using Microsoft.Extensions.Logging;

namespace Lifeline.Simulation.Publishing;

/// <summary>
/// Publishes every device's telemetry to <c>lifeline/{site}/{device}/telemetry</c> (QoS 1, many in flight) over a small
/// pool of MQTT connections, with a retained <c>online</c>/<c>offline</c> status per device. Each connection reconnects
/// with exponential backoff when the broker goes away. Timing goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class TelemetryPublisher : IDisposable
{
    private readonly PublisherConnection[] _connections;

    public TelemetryPublisher(IReadOnlyList<Device> devices, SignalGenerator generator, PublisherSettings settings, TimeProvider timeProvider, SimulatorCounters counters, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.Connections);
        Schedule = new PublishSchedule(generator.Start, settings.RatePerDevice, devices.Count);
        Counters = counters;
        counters.SetDevices(devices.Count);
        var all = devices.Select((d, i) => new SimulatedDevice(i, d)).ToArray();
        var count = Math.Min(settings.Connections, Math.Max(1, devices.Count));
        _connections = Enumerable.Range(0, count)
            .Select(n => new PublisherConnection(n + 1, all.Where(d => d.Index % count == n).ToArray(), Schedule, generator, settings, timeProvider, counters, logger))
            .ToArray();
    }

    public PublishSchedule Schedule { get; }

    public SimulatorCounters Counters { get; }

    public IReadOnlyList<string> ClientIds => _connections.Select(c => c.ClientId).ToArray();

    public void Dispose()
    {
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled; then publishes <c>offline</c> statuses and disconnects.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_connections.Select(c => Task.Run(() => c.RunAsync(cancellationToken), CancellationToken.None)));
}
