namespace Lifeline.Alarms.Incidents;

/// <summary>Where an incident spread from its first-out zone along its cabin.</summary>
public enum SpreadDirection
{
    /// <summary>One zone only (or a place without zones).</summary>
    None,

    /// <summary>Every other zone lies at a higher chainage than the first-out zone.</summary>
    IncreasingChainage,

    /// <summary>Every other zone lies at a lower chainage than the first-out zone.</summary>
    DecreasingChainage,

    /// <summary>Zones on both sides of the first-out zone.</summary>
    Both,
}
