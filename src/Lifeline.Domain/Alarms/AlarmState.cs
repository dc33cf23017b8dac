namespace Lifeline.Domain.Alarms;

/// <summary>ISA-18.2 states an alarm passes through (the subset the platform models so far).</summary>
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
}
