using System.ComponentModel.DataAnnotations;

namespace Lifeline.Storage.Forwarding;

/// <summary>Configuration section <c>Storage:Forwarder</c>: how the write-ahead log is drained into InfluxDB.</summary>
public sealed class ForwarderOptions
{
    public const string SectionName = "Storage:Forwarder";

    /// <summary>Most points per write request.</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 5_000;

    /// <summary>How long a part-filled batch waits for more records before it is written anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time limit of one write attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Retries of one batch (exponential backoff with jitter) before the circuit logic and the outer wait take over.</summary>
    [Range(0, 100)]
    public int RetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubles per attempt, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the circuit stays open (no writes tried) once InfluxDB keeps failing.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Where batches InfluxDB refuses as malformed (HTTP 400) are kept, with the reason, for an engineer to replay.</summary>
    public string RejectedPath { get; set; } = "data/rejected";
}
