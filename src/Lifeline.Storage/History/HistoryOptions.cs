using System.ComponentModel.DataAnnotations;

namespace Lifeline.Storage.History;

/// <summary>Configuration section <c>History</c>: the in-memory window used when no InfluxDB is configured.</summary>
public sealed class HistoryOptions
{
    public const string SectionName = "History";

    /// <summary>How far back the memory window reaches.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan MemoryWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Width of the buckets kept in memory (the finest trend it can give).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MemoryResolution { get; set; } = TimeSpan.FromSeconds(30);
}
