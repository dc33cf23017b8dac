namespace Lifeline.Alarms;

/// <summary>Result of an acknowledgement request.</summary>
public enum AckOutcome
{
    /// <summary>The alarm was unacknowledged and now is acknowledged (or over, if it had cleared).</summary>
    Acknowledged,

    /// <summary>It had been acknowledged before; nothing changed.</summary>
    AlreadyAcknowledged,

    /// <summary>No active alarm has that id (unknown, or already over).</summary>
    NotFound,
}
