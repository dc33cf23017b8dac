namespace Lifeline.Contracts.Alarms;

/// <summary>One alarm of an incident, with its latest state as the incident last saw it.</summary>
public sealed record IncidentAlarmDto
{
    /// <summary>The alarm id (<c>A000123</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The seq of the alarm transition the incident last saw for this alarm.</summary>
    public required long Seq { get; init; }

    /// <summary>The alarm's state, as in <see cref="AlarmDto.State"/>; <c>Normal</c> means the alarm is over.</summary>
    public required string State { get; init; }

    /// <summary><c>Critical</c>, <c>High</c>, <c>Medium</c> or <c>Low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>Alarm kind, e.g. <c>ch4_high</c>.</summary>
    public required string Kind { get; init; }

    public required string RuleId { get; init; }

    public required string DeviceId { get; init; }

    public string? ZoneId { get; init; }

    /// <summary>When the alarm was (last) raised.</summary>
    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>
    /// True for an alarm grouped under its device's comm loss: a consequence, never the first-out, and not part of the
    /// spread along the cabin.
    /// </summary>
    public bool Dependant { get; init; }
}
