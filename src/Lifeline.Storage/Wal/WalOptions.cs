using System.ComponentModel.DataAnnotations;

namespace Lifeline.Storage.Wal;

/// <summary>Configuration section <c>Storage:Wal</c>: the write-ahead log every accepted reading and alarm event goes through.</summary>
public sealed class WalOptions
{
    public const string SectionName = "Storage:Wal";

    /// <summary>Directory of the segment files (relative paths are resolved against the content root).</summary>
    [Required]
    public string Path { get; set; } = "data/wal";

    /// <summary>A segment is sealed and a new one started once it reaches this size.</summary>
    [Range(64 * 1024, 1L << 32)]
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// The most disk the log may use. With a consumer (InfluxDB configured), records are kept until stored; when the
    /// unstored backlog reaches this size, ingestion waits (devices' messages stay unacknowledged at the broker) and a
    /// critical storage alarm is raised — nothing is dropped. Without a consumer the oldest segments are removed.
    /// </summary>
    [Range(1L << 20, long.MaxValue)]
    public long MaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Without a consumer, segments older than this are removed. Unstored records are never removed for age.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Force each group commit to the disk (fsync). Turning it off keeps records in the OS cache until the kernel
    /// writes them: they survive a process crash, not a power loss.
    /// </summary>
    public bool Fsync { get; set; } = true;

    /// <summary>
    /// Most bytes of records held in memory before they are on disk. While the disk cannot be written (or keep up),
    /// appenders wait once this much is pending, instead of growing memory without bound.
    /// </summary>
    [Range(1024 * 1024, 1L << 30)]
    public long MaxBufferedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest single record accepted (a device batch is far smaller).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRecordBytes { get; set; } = 4 * 1024 * 1024;
}
