using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.Pipeline;

/// <summary>Configuration section <c>Pipeline</c>.</summary>
public sealed class PipelineOptions
{
    public const string SectionName = "Pipeline";

    /// <summary>Batches queued between ingestion and rule evaluation; when full, ingestion waits (back-pressure to the broker).</summary>
    [Range(16, 1_000_000)]
    public int Capacity { get; set; } = 20_000;

    /// <summary>How often on- and off-delays are checked for sensors that have not reported since.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromSeconds(1);
}
