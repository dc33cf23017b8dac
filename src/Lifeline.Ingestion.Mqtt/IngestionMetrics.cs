using Lifeline.Contracts.Mqtt;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// Counts what ingestion accepted and rejected (per reason), and logs rejects at most once per reason per interval,
/// naming the topic and the reason, with the number suppressed since the last line.
/// </summary>
public sealed partial class IngestionMetrics
{
    private static readonly PayloadError[] Reasons = Enum.GetValues<PayloadError>();
    private readonly long[] _rejects = new long[Reasons.Length];
    private readonly long[] _suppressed = new long[Reasons.Length];
    private readonly long[] _lastLogTicks = new long[Reasons.Length];
    private readonly ILogger<IngestionMetrics> _logger;
    private readonly TimeProvider _time;
    private readonly long _logIntervalTicks;
    private long _messages;
    private long _readings;

    public IngestionMetrics(ILogger<IngestionMetrics> logger, TimeProvider time, IOptions<IngestionOptions> options)
    {
        _logger = logger;
        _time = time;
        _logIntervalTicks = (long)(options.Value.RejectLogInterval.TotalSeconds * time.TimestampFrequency);
        Array.Fill(_lastLogTicks, long.MinValue);
    }

    /// <summary>MQTT messages received on telemetry topics.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Readings accepted into the pipeline.</summary>
    public long Readings => Interlocked.Read(ref _readings);

    public long TotalRejects => _rejects.Sum();

    public long RejectsOf(PayloadError reason) => Interlocked.Read(ref _rejects[(int)reason]);

    /// <summary>Non-zero reject counters by reason name.</summary>
    public IReadOnlyDictionary<string, long> RejectsByReason() =>
        Reasons.Where(r => r != PayloadError.None && RejectsOf(r) > 0).ToDictionary(r => r.ToString(), RejectsOf);

    internal void MessageReceived() => Interlocked.Increment(ref _messages);

    internal void Accepted(int readings) => Interlocked.Add(ref _readings, readings);

    /// <summary>Counts a reject and logs it unless the same reason was logged within the interval.</summary>
    public void Reject(PayloadError reason, string topic, string detail)
    {
        var i = (int)reason;
        Interlocked.Increment(ref _rejects[i]);
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
