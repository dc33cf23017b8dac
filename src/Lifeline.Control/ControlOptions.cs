using System.ComponentModel.DataAnnotations;

namespace Lifeline.Control;

/// <summary>Configuration section <c>Control</c>: interlocks and commands.</summary>
public sealed class ControlOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Control";

    /// <summary>The interlock file. Default: <c>interlocks.yaml</c> in the registry directory (<c>Assets:Path</c>).</summary>
    public string? InterlocksPath { get; set; }

    /// <summary>Commands kept in the in-memory audit trail. Default 1000.</summary>
    [Range(10, 1_000_000)]
    public int AuditCapacity { get; set; } = 1000;

    /// <summary>How long an MQTT command waits for its feedback channel to report the commanded value. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MqttReadBackTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long publishing one MQTT command may take (until the broker's PUBACK). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MqttPublishTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
