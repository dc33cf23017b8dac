using System.Diagnostics.Metrics;

namespace Lifeline.Server.Observability;

/// <summary>Instruments of the meter <c>Lifeline.Live</c>: SignalR connections open on this instance's alarm hub.</summary>
public sealed class LiveMetrics
{
    public const string MeterName = "Lifeline.Live";

    private readonly UpDownCounter<long> _connections;

    public LiveMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _connections = meterFactory.Create(MeterName)
            .CreateUpDownCounter<long>("lifeline.live.connections", "{connection}", "SignalR connections open on /hubs/alarms of this instance");
    }

    public void Connected() => _connections.Add(1);

    public void Disconnected() => _connections.Add(-1);
}
