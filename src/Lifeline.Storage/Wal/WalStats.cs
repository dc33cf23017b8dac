namespace Lifeline.Storage.Wal;

/// <summary>Figures of the write-ahead log for health checks and metrics.</summary>
/// <param name="LastLsn">Newest record appended.</param>
/// <param name="DurableLsn">Newest record on disk.</param>
/// <param name="CheckpointLsn">Newest record stored by the consumer.</param>
/// <param name="BacklogRecords">Records appended but not yet stored (0 without a consumer).</param>
/// <param name="BacklogBytes">Bytes of the segments that still hold unstored records.</param>
/// <param name="DiskBytes">Bytes of all segment files.</param>
/// <param name="MaxBytes">The configured bound.</param>
/// <param name="Segments">Segment files.</param>
/// <param name="OldestSegmentStart">When the oldest segment holding unstored records was started.</param>
/// <param name="IsFull">Appenders are waiting for the consumer to free space.</param>
/// <param name="WriteError">Why the last write failed, while writes fail.</param>
/// <param name="WriteErrorSince">Since when writes fail.</param>
public sealed record WalStats(
    long LastLsn,
    long DurableLsn,
    long CheckpointLsn,
    long BacklogRecords,
    long BacklogBytes,
    long DiskBytes,
    long MaxBytes,
    int Segments,
    DateTimeOffset? OldestSegmentStart,
    bool IsFull,
    string? WriteError,
    DateTimeOffset? WriteErrorSince)
{
    /// <summary>Share of <see cref="MaxBytes"/> taken by the backlog, in percent.</summary>
    public double BacklogPercent => MaxBytes <= 0 ? 0 : 100.0 * BacklogBytes / MaxBytes;
}
