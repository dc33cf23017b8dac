using System.Diagnostics.Metrics;
using Lifeline.Storage.Wal;

namespace Lifeline.Storage.Forwarding;

/// <summary>
/// Storage instruments on the <c>Lifeline.Storage</c> meter: points written, write failures, rejected points, write
/// latency, and the write-ahead log's backlog (records, bytes, age of the oldest unstored record) and disk use.
/// </summary>
public sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "Lifeline.Storage";

    private readonly Meter _meter;
    private readonly Counter<long> _written;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _skipped;
    private readonly Histogram<double> _duration;
    private long _skippedSeen;

    public StorageMetrics(IMeterFactory meterFactory, WriteAheadLog wal, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _written = _meter.CreateCounter<long>("lifeline.storage.points_written", "{point}", "Points stored in InfluxDB");
        _failures = _meter.CreateCounter<long>("lifeline.storage.write_failures", "{failure}", "Failed InfluxDB write attempts");
        _rejected = _meter.CreateCounter<long>("lifeline.storage.points_rejected", "{point}", "Points InfluxDB refused as malformed (kept in the rejected folder)");
        _skipped = _meter.CreateCounter<long>("lifeline.wal.damaged_regions_skipped", "{region}", "Unreadable regions of sealed segments skipped");
        _duration = _meter.CreateHistogram<double>("lifeline.storage.write_duration", "ms", "Duration of successful InfluxDB writes");
        _meter.CreateObservableGauge("lifeline.wal.backlog_records", () => wal.GetStats().BacklogRecords, "{record}", "Records not yet stored");
        _meter.CreateObservableGauge("lifeline.wal.backlog_bytes", () => wal.GetStats().BacklogBytes, "By", "Bytes of segments holding unstored records");
        _meter.CreateObservableGauge("lifeline.wal.disk_bytes", () => wal.GetStats().DiskBytes, "By", "Bytes of all segment files");
        _meter.CreateObservableGauge(
            "lifeline.wal.oldest_unstored_age",
            () => Status?.Invoke().OldestUnstoredAt is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0,
            "s",
            "Age of the oldest record not yet stored");
        _meter.CreateObservableGauge("lifeline.storage.circuit_open", () => Status?.Invoke().Circuit == "Open" ? 1 : 0, "{state}", "1 while writes are paused by the circuit breaker");
    }

    /// <summary>The forwarder's status, once there is a forwarder.</summary>
    public Func<ForwarderStatus>? Status { get; set; }

    public void Written(int points, TimeSpan elapsed)
    {
        _written.Add(points);
        _duration.Record(elapsed.TotalMilliseconds);
    }

    public void WriteFailed() => _failures.Add(1);

    public void Rejected(int points) => _rejected.Add(points);

    public void SkippedRegions(int total)
    {
        var seen = Interlocked.Exchange(ref _skippedSeen, total);
        if (total > seen)
        {
            _skipped.Add(total - seen);
        }
    }

    public void Dispose() => _meter.Dispose();
}
