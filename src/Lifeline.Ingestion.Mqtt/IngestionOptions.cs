using System.ComponentModel.DataAnnotations;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>Configuration section <c>Ingestion</c>: what counts as an acceptable reading.</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Ingestion";

    /// <summary>Readings stamped further ahead of server time than this are rejected (clock fault). Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Readings older than this are rejected (devices backfill after outages within it). Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "366.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most one log line per reject reason per this interval; the rest are counted.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RejectLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
