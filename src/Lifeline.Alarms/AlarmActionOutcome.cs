namespace Lifeline.Alarms;

/// <summary>Result of an operator's or engineer's action on an alarm.</summary>
public enum AlarmActionOutcome
{
    /// <summary>The action was carried out and recorded as a transition.</summary>
    Done,

    /// <summary>Nothing to do: the alarm already was in the asked state (e.g. acknowledged twice).</summary>
    Unchanged,

    /// <summary>No alarm that is not over has that id (unknown, or already cleared and acknowledged).</summary>
    NotFound,

    /// <summary>The action is not allowed in the alarm's state or by policy; <see cref="AlarmActionResult.Error"/> says why.</summary>
    Refused,
}
