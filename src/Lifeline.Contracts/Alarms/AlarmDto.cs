namespace Lifeline.Contracts.Alarms;

/// <summary>
/// An alarm as operators' screens see it: the payload of SignalR <c>AlarmChanged</c> and of the REST API.
/// <c>Seq</c> is global and strictly increasing, one per transition.
/// </summary>
public sealed record AlarmDto
{
    public required long Seq { get; init; }

    public required string Id { get; init; }

    /// <summary><c>Unacknowledged</c>, <c>Acknowledged</c>, <c>ReturnedUnacknowledged</c> or <c>Normal</c>.</summary>
    public required string State { get; init; }

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
