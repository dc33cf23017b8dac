namespace Lifeline.Contracts.Alarms;

/// <summary>
/// An alarm as operators' screens see it: the payload of SignalR <c>AlarmChanged</c> and of the REST API.
/// <c>Seq</c> is global and strictly increasing, one per transition.
/// </summary>
public sealed record AlarmDto
{
    public required long Seq { get; init; }

    public required string Id { get; init; }

    /// <summary>
    /// <c>Unacknowledged</c>, <c>Acknowledged</c>, <c>ReturnedUnacknowledged</c>, <c>Normal</c> (over), <c>Latched</c>,
    /// <c>Shelved</c>, <c>Suppressed</c> or <c>OutOfService</c>.
    /// </summary>
    public required string State { get; init; }

    /// <summary>
    /// What this transition did: <c>Raised</c>, <c>Reraised</c>, <c>Cleared</c>, <c>Acknowledged</c>, <c>Reset</c>,
    /// <c>Shelved</c>, <c>Unshelved</c>, <c>ShelveExpired</c>, <c>Suppressed</c>, <c>Unsuppressed</c>,
    /// <c>RemovedFromService</c> or <c>ReturnedToService</c>.
    /// </summary>
    public string Transition { get; init; } = "Raised";

    /// <summary>Who made the transition: a user name, or <c>system</c> for the rules and timers.</summary>
    public string By { get; init; } = "system";

    /// <summary>Why: the reason given for a shelve, suppression or removal from service, or an operator's comment.</summary>
    public string? Reason { get; init; }

    /// <summary>Whether the process condition is in alarm now (a shelved or acknowledged alarm may be either).</summary>
    public bool ConditionActive { get; init; }

    /// <summary>A life-safety alarm (gas, O₂, fire, intrusion): never delayed, not shelvable by default, not suppressed by zone maintenance.</summary>
    public bool LifeSafety { get; init; }

    /// <summary>Latching alarms (life-safety ones by default) stay after they clear until acknowledged and reset.</summary>
    public bool Latching { get; init; }

    /// <summary>While shelved: when the shelf time runs out.</summary>
    public DateTimeOffset? ShelvedUntil { get; init; }

    /// <summary>While shelved: who shelved it.</summary>
    public string? ShelvedBy { get; init; }

    /// <summary>While shelved: the reason given.</summary>
    public string? ShelveReason { get; init; }

    /// <summary>While suppressed or out of service: why (device in comm loss, zone under maintenance, sensor out of service).</summary>
    public string? Suppression { get; init; }

    /// <summary>How many times this alarm occurrence was raised: 1, plus one for every re-raise before it was over.</summary>
    public int Activations { get; init; } = 1;

    /// <summary><c>Critical</c>, <c>High</c>, <c>Medium</c> or <c>Low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>Alarm kind, e.g. <c>o2_low</c>.</summary>
    public required string Kind { get; init; }

    public required string RuleId { get; init; }

    public required string SiteId { get; init; }

    public required string DeviceId { get; init; }

    public required string SensorId { get; init; }

    public string? TunnelId { get; init; }

    public string? CabinId { get; init; }

    public string? ZoneId { get; init; }

    /// <summary>Readable place: tunnel · cabin · zone and chainage, or station.</summary>
    public required string Location { get; init; }

    /// <summary>The latest value of the sensor while the alarm is shown.</summary>
    public double? Value { get; init; }

    public double? Limit { get; init; }

    public string? Unit { get; init; }

    public required string Message { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    public DateTimeOffset? AcknowledgedAt { get; init; }

    public string? AcknowledgedBy { get; init; }

    public DateTimeOffset? ClearedAt { get; init; }

    /// <summary>When this transition happened.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}
