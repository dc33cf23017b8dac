namespace Lifeline.Domain.Alarms;

/// <summary>
/// ISA-18.2 / IEC 62682 alarm states. The first four are the annunciated states of the alarm state diagram; the
/// others take an alarm out of annunciation for a stated reason (shelved by an operator, suppressed by design,
/// removed from service by an engineer) or hold a life-safety alarm until an operator resets it (latched).
/// </summary>
public enum AlarmState
{
    /// <summary>Active, not yet acknowledged by an operator (ISA-18.2 state B).</summary>
    Unacknowledged,

    /// <summary>Active and acknowledged (state C).</summary>
    Acknowledged,

    /// <summary>The condition cleared before anyone acknowledged it (state D).</summary>
    ReturnedUnacknowledged,

    /// <summary>Cleared and acknowledged: the alarm is over (state A).</summary>
    Normal,

    /// <summary>A latching (life-safety) alarm whose condition has cleared and which was acknowledged: it stays until an operator resets it.</summary>
    Latched,

    /// <summary>Shelved by an operator for a limited time, with a reason; unshelved automatically when the time is up (state E).</summary>
    Shelved,

    /// <summary>Suppressed by design: its device is in comm loss, or its zone is under maintenance (state F).</summary>
    Suppressed,

    /// <summary>Removed from service by an engineer (state G), e.g. a sensor being replaced.</summary>
    OutOfService,
}
