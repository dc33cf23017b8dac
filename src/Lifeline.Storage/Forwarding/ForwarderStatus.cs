namespace Lifeline.Storage.Forwarding;

/// <summary>What the forwarder is doing.</summary>
public enum ForwarderState
{
    /// <summary>No InfluxDB configured: the write-ahead log is a rolling local journal.</summary>
    Disabled,

    /// <summary>Checking the connection, nothing written yet.</summary>
    Starting,

    /// <summary>The last write succeeded.</summary>
    Writing,

    /// <summary>Writes fail and are being retried; the backlog grows.</summary>
    Failing,

    /// <summary>Writes failed repeatedly; paused for the break duration, then tried again.</summary>
    CircuitOpen,
}

/// <summary>The forwarder's state and figures.</summary>
public sealed record ForwarderStatus(
    ForwarderState State,
    string? LastError,
    DateTimeOffset? LastSuccessAt,
    long PointsWritten,
    long Failures,
    long RejectedPoints,
    double LastWriteMs,
    long StoredLsn,
    DateTimeOffset? OldestUnstoredAt)
{
    public static ForwarderStatus Starting { get; } = new(ForwarderState.Starting, null, null, 0, 0, 0, 0, 0, null);

    public static ForwarderStatus Disabled { get; } = new(ForwarderState.Disabled, null, null, 0, 0, 0, 0, 0, null);

    /// <summary>Circuit breaker state: Closed, Open, HalfOpen, Isolated.</summary>
    public string Circuit { get; init; } = "Closed";

    /// <summary>What the last connection check found.</summary>
    public string? Connection { get; init; }
}
