using System.Diagnostics;

namespace Lifeline.Benchmarks.Reporting;

/// <summary>
/// A raise of an alarm as the measuring SignalR client saw it: the sensor, the <see cref="Stopwatch"/> timestamp and wall
/// clock of its arrival, the alarm's <c>changedAt</c> (when the rules evaluated the reading) and the process's total GC
/// pause at arrival.
/// </summary>
public sealed record AlarmArrival(string SensorId, long At, DateTimeOffset Wall, DateTimeOffset ChangedAt, TimeSpan GcPause);

/// <summary>
/// A published latency sample waiting for its alarm: the O₂ sensor, the reading's ts, the <see cref="Stopwatch"/>
/// timestamp and wall clock of the publish call, the total GC pause then, and the broker's delivery time to the plain
/// subscriber. It is resolved by the raise of its sensor's alarm, if that came after the publish, whenever that is.
/// </summary>
public sealed record PendingSample(string SensorId, DateTimeOffset Ts, long Sent, DateTimeOffset Wall, TimeSpan GcPause, double BrokerMs)
{
    /// <summary>The sample's latencies when <paramref name="raised"/> (a raise per sensor) holds a raise of its sensor after the publish.</summary>
    public bool TryResolve(IReadOnlyDictionary<string, AlarmArrival> raised, out LatencySample sample)
    {
        ArgumentNullException.ThrowIfNull(raised);
        if (raised.TryGetValue(SensorId, out var arrival) && arrival.At >= Sent)
        {
            sample = new LatencySample(
                Stopwatch.GetElapsedTime(Sent, arrival.At).TotalMilliseconds,
                (arrival.ChangedAt - Wall).TotalMilliseconds,
                (arrival.Wall - arrival.ChangedAt).TotalMilliseconds,
                (arrival.GcPause - GcPause).TotalMilliseconds,
                BrokerMs);
            return true;
        }

        sample = default;
        return false;
    }
}
