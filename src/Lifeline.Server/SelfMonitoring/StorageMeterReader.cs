using System.Diagnostics.Metrics;
using Lifeline.Storage.Forwarding;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>
/// Listens to this host's <c>Lifeline.Storage</c> instruments (points written, write failures, rejected points, write
/// durations) with a <see cref="MeterListener"/>, independently of any metrics exporter. Only the meters created by
/// this host's <see cref="IMeterFactory"/> are heard, so several hosts in one process keep their figures apart.
/// </summary>
public sealed class StorageMeterReader : IDisposable
{
    /// <summary>Write durations kept between two reads at most (beyond, the newest are dropped).</summary>
    public const int MaxLatencies = 100_000;

    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private List<double> _latencies = [];
    private long _written;
    private long _failures;
    private long _rejected;

    public StorageMeterReader(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StorageMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, meterFactory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "lifeline.storage.points_written":
                    Interlocked.Add(ref _written, value);
                    break;
                case "lifeline.storage.write_failures":
                    Interlocked.Add(ref _failures, value);
                    break;
                case "lifeline.storage.points_rejected":
                    Interlocked.Add(ref _rejected, value);
                    break;
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "lifeline.storage.write_duration")
            {
                lock (_gate)
                {
                    if (_latencies.Count < MaxLatencies)
                    {
                        _latencies.Add(value);
                    }
                }
            }
        });
        _listener.Start();
    }

    public long PointsWritten => Interlocked.Read(ref _written);

    public long WriteFailures => Interlocked.Read(ref _failures);

    public long PointsRejected => Interlocked.Read(ref _rejected);

    /// <summary>The write durations (ms) heard since the previous call.</summary>
    public IReadOnlyList<double> TakeLatencies()
    {
        lock (_gate)
        {
            var taken = _latencies;
            _latencies = [];
            return taken;
        }
    }

    public void Dispose() => _listener.Dispose();
}
