namespace Lifeline.Domain.Alarms;

/// <summary>What one alarm transition did; every transition carries one, with who made it and why.</summary>
public enum AlarmTransitionKind
{
    /// <summary>A new alarm: its condition became true.</summary>
    Raised,

    /// <summary>The condition of a returned-but-unacknowledged alarm came back (ISA-18.2 D → B).</summary>
    Reraised,

    /// <summary>The condition cleared.</summary>
    Cleared,

    /// <summary>An operator acknowledged it.</summary>
    Acknowledged,

    /// <summary>An operator reset a latched alarm.</summary>
    Reset,

    /// <summary>An operator shelved it for a time, with a reason.</summary>
    Shelved,

    /// <summary>An operator took it off the shelf before its time was up.</summary>
    Unshelved,

    /// <summary>Its shelving time ran out.</summary>
    ShelveExpired,

    /// <summary>Suppressed by design (comm loss of its device, maintenance of its zone).</summary>
    Suppressed,

    /// <summary>The suppression ended.</summary>
    Unsuppressed,

    /// <summary>An engineer removed its sensor from service.</summary>
    RemovedFromService,

    /// <summary>An engineer returned its sensor to service.</summary>
    ReturnedToService,
}
