using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms.Incidents;

/// <summary>One alarm of an incident and the latest transition seen for it.</summary>
internal sealed class IncidentMember(AlarmDto first)
{
    public string AlarmId { get; } = first.Id;

    /// <summary>When it was raised as first seen: orders first-out and spread, and never moves.</summary>
    public DateTimeOffset FirstRaisedAt { get; } = first.RaisedAt;

    public long FirstSeq { get; } = first.Seq;

    /// <summary>Grouped under its device's comm loss.</summary>
    public bool Dependant { get; set; }

    public AlarmDto Last { get; set; } = first;

    public bool IsOver => IncidentCorrelator.IsOver(Last);

    /// <summary>Whether the alarm's condition is still true (it has not cleared since it was last raised).</summary>
    public bool ConditionActive => !IsOver && (Last.ConditionActive || Last.ClearedAt is null);

    public AlarmPriority Priority => Enum.TryParse<AlarmPriority>(Last.Priority, out var priority) ? priority : AlarmPriority.Low;

    /// <summary>Orders by first raise, then by seq.</summary>
    public bool IsBefore(IncidentMember other) =>
        FirstRaisedAt < other.FirstRaisedAt || (FirstRaisedAt == other.FirstRaisedAt && FirstSeq < other.FirstSeq);

    public IncidentAlarmDto ToDto() => new()
    {
        Id = AlarmId,
        Seq = Last.Seq,
        State = Last.State,
        Priority = Last.Priority,
        Kind = Last.Kind,
        RuleId = Last.RuleId,
        DeviceId = Last.DeviceId,
        ZoneId = Last.ZoneId,
        RaisedAt = Last.RaisedAt,
        Dependant = Dependant,
    };
}
