using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

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

    /// <summary>The command journal on disk (section <c>Control:Journal</c>).</summary>
    [ValidateObjectMembers]
    public CommandJournalOptions Journal { get; set; } = new();
}

/// <summary>Configuration section <c>Control:Journal</c>: where the command audit trail is kept across restarts.</summary>
public sealed class CommandJournalOptions
{
    /// <summary>Directory of the journal segments (relative paths are resolved against the content root). One server per directory.</summary>
    [Required]
    public string Path { get; set; } = "data/commands";

    /// <summary>History older than this is removed (whole segments). Default 400 days: a year of history plus margin.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Most disk the journal may use; the oldest history is removed beyond it. Default 256 MiB.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long MaxBytes { get; set; } = 256L << 20;

    /// <summary>Force each write to the disk (fsync). Off only for tests on slow disks.</summary>
    public bool Fsync { get; set; } = true;
}
