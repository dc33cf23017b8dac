using System.ComponentModel.DataAnnotations;

namespace Lifeline.Alarms;

/// <summary>Configuration section <c>Alarms</c>: the alarm lifecycle policy and the alarm journal.</summary>
public sealed class AlarmOptions
{
    public const string SectionName = "Alarms";

    /// <summary>Life-safety alarms latch: once cleared they stay until an operator acknowledges and resets them. Default on.</summary>
    public bool LatchLifeSafety { get; set; } = true;

    /// <summary>Longest time an alarm may be shelved (ISA-18.2 requires a limit). Default 8 h, one shift.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxShelveTime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Whether life-safety alarms may be shelved. Default no: a gas or O₂ alarm is never hidden by one operator.</summary>
    public bool AllowShelvingLifeSafety { get; set; }

    /// <summary>Whether zone maintenance also suppresses life-safety alarms. Default no: people working in the zone need them most.</summary>
    public bool MaintenanceSuppressesLifeSafety { get; set; }

    /// <summary>
    /// Alarm kinds that say a device is not communicating. While one is active, the device's other alarms are suppressed
    /// by design: its readings are stale, so its alarms cannot be trusted and must not flood the operators.
    /// </summary>
    public List<string> CommLossKinds { get; set; } = ["comm loss", "device_offline"];

    /// <summary>Transitions kept in memory for clients catching up by seq.</summary>
    [Range(1, 10_000_000)]
    public int ChangeLogCapacity { get; set; } = 50_000;

    /// <summary>The alarm journal on disk.</summary>
    public AlarmJournalOptions Journal { get; set; } = new();
}

/// <summary>Configuration section <c>Alarms:Journal</c>: where alarm state and history are kept across restarts.</summary>
public sealed class AlarmJournalOptions
{
    /// <summary>Directory of the journal segments and the snapshot (relative paths are resolved against the content root).</summary>
    [Required]
    public string Path { get; set; } = "data/alarms";

    /// <summary>History older than this is removed (whole segments). Default 400 days: a year of history plus margin.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Most disk the journal may use; the oldest history is removed beyond it.</summary>
    [Range(1L << 20, long.MaxValue)]
    public long MaxBytes { get; set; } = 1L << 30;

    /// <summary>A snapshot of the alarm state is written after this many transitions (and at shut-down).</summary>
    [Range(1, 10_000_000)]
    public int SnapshotEvery { get; set; } = 1000;

    /// <summary>…and at least this often while anything changed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Force each write to the disk (fsync). Off only for tests on slow disks.</summary>
    public bool Fsync { get; set; } = true;
}
