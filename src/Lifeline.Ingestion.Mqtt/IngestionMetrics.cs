using System.Diagnostics.Metrics;
using Lifeline.Contracts.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// Counts what ingestion accepted and rejected (per reason), and logs rejects at most once per reason per interval,
/// naming the topic and the reason, with the number suppressed since the last line. The same counts are instruments
/// of the meter <c>Lifeline.Ingestion</c> (<c>/metrics</c>).
/// </summary>
public sealed partial class IngestionMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Lifeline.Ingestion";

    private static readonly PayloadError[] Reasons = Enum.GetValues<PayloadError>();
    private static readonly KeyValuePair<string, object?>[][] ReasonTags =
        Reasons.Select(r => new[] { new KeyValuePair<string, object?>("reason", r.ToString()) }).ToArray();
    private readonly long[] _rejects = new long[Reasons.Length];
    private readonly long[] _suppressed = new long[Reasons.Length];
    private readonly long[] _lastLogTicks = new long[Reasons.Length];
    private readonly ILogger<IngestionMetrics> _logger;
    private readonly TimeProvider _time;
    private readonly long _logIntervalTicks;
    // Without a factory (unit tests, benchmarks) every instance shares one process-wide meter.
    private static readonly Meter SharedMeter = new(MeterName);
    private readonly Counter<long> _messageCounter;
    private readonly Counter<long> _readingCounter;
    private readonly Counter<long> _rejectCounter;
    private readonly Counter<long> _otherSiteCounter;
    private long _messages;
    private long _readings;
    private long _otherSite;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a shared one.</summary>
    public IngestionMetrics(ILogger<IngestionMetrics> logger, TimeProvider time, IOptions<IngestionOptions> options, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _time = time;
        _logIntervalTicks = (long)(options.Value.RejectLogInterval.TotalSeconds * time.TimestampFrequency);
        Array.Fill(_lastLogTicks, long.MinValue);
        var meter = meterFactory?.Create(MeterName) ?? SharedMeter;
        _messageCounter = meter.CreateCounter<long>("lifeline.ingest.messages", "{message}", "MQTT telemetry payloads received (a batch counts once)");
        _readingCounter = meter.CreateCounter<long>("lifeline.ingest.readings", "{reading}", "Readings accepted from MQTT into the write-ahead log and the rules");
        _rejectCounter = meter.CreateCounter<long>("lifeline.ingest.rejects", "{reject}", "Payloads, messages or values rejected, by reason");
        _otherSiteCounter = meter.CreateCounter<long>(
            "lifeline.ingest.other_site", "{message}", "Messages of sites outside this instance's partition (Ingestion:Sites), acknowledged and dropped");
    }

    /// <summary>MQTT messages received on telemetry topics.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Readings accepted into the pipeline.</summary>
    public long Readings => Interlocked.Read(ref _readings);

    public long TotalRejects => _rejects.Sum();

    /// <summary>Messages of sites outside <see cref="IngestionOptions.Sites"/> that reached this instance and were dropped.</summary>
    public long OtherSiteMessages => Interlocked.Read(ref _otherSite);

    public long RejectsOf(PayloadError reason) => Interlocked.Read(ref _rejects[(int)reason]);

    /// <summary>Non-zero reject counters by reason name.</summary>
    public IReadOnlyDictionary<string, long> RejectsByReason() =>
        Reasons.Where(r => r != PayloadError.None && RejectsOf(r) > 0).ToDictionary(r => r.ToString(), RejectsOf);

    internal void MessageReceived()
    {
        Interlocked.Increment(ref _messages);
        _messageCounter.Add(1);
    }

    internal void Accepted(int readings)
    {
        Interlocked.Add(ref _readings, readings);
        _readingCounter.Add(readings);
    }

    internal void OtherSite()
    {
        Interlocked.Increment(ref _otherSite);
        _otherSiteCounter.Add(1);
    }

    /// <summary>Counts a reject and logs it unless the same reason was logged within the interval.</summary>
    public void Reject(PayloadError reason, string topic, string detail)
    {
        var i = (int)reason;
        Interlocked.Increment(ref _rejects[i]);
        _rejectCounter.Add(1, ReasonTags[i]);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastLogTicks[i]);
        if (last != long.MinValue && now - last < _logIntervalTicks)
        {
            Interlocked.Increment(ref _suppressed[i]);
            return;
        }

        if (Interlocked.CompareExchange(ref _lastLogTicks[i], now, last) != last)
        {
            Interlocked.Increment(ref _suppressed[i]);
            return;
        }

        var suppressed = Interlocked.Exchange(ref _suppressed[i], 0);
        Log.Rejected(_logger, topic, reason, detail, suppressed);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Warning,
            Message = "Rejected telemetry on {Topic}: {Reason} ({Detail}); {Suppressed} more rejects of this reason since the last report")]
        public static partial void Rejected(ILogger logger, string topic, PayloadError reason, string detail, long suppressed);
    }
}
