namespace Lifeline.Storage.Wal;

/// <summary>What a log record holds.</summary>
public enum WalRecordKind : byte
{
    /// <summary>The accepted readings of one device message.</summary>
    Telemetry = 1,

    /// <summary>One alarm transition.</summary>
    AlarmEvent = 2,

    /// <summary>A change of an alarm suppression scope (zone maintenance, sensor out of service), in the alarm journal.</summary>
    AlarmScope = 3,

    /// <summary>One change of a command of the audit trail (queued, then its outcome), in the command journal.</summary>
    Command = 4,

    /// <summary>The platform's own figures of one interval (self-monitoring), stored in <c>lifeline_platform</c>.</summary>
    PlatformSample = 5,
    /// <summary>One notification to a crew member or group and its delivery result, in the notification journal.</summary>
    Notification = 6,
}
