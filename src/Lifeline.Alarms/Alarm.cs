using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms;

/// <summary>
/// One alarm occurrence of one rule on one sensor, from raise until it is over. Its state is derived from orthogonal
/// facts, as in the OPC UA Part 9 alarm model: whether the condition is active, whether it was acknowledged, and the
/// overlays that take it out of annunciation (out of service, suppressed by design, shelved), strongest first.
/// </summary>
internal sealed class Alarm
{
    /// <summary>The identity, place and rule fields (from the rule when last raised, or from the journal).</summary>
    public required AlarmDto Template { get; set; }

    public string Id => Template.Id;

    public string Key => AlarmService.KeyOf(Template.SensorId, Template.RuleId);

    public bool ConditionActive { get; set; }

    public double? Value { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }

    public int Activations { get; set; } = 1;

    public DateTimeOffset? ShelvedUntil { get; set; }

    public string? ShelvedBy { get; set; }

    public string? ShelveReason { get; set; }

    /// <summary>Why it is suppressed by design, or null.</summary>
    public string? Suppression { get; set; }

    /// <summary>Why its sensor is out of service, or null.</summary>
    public string? OutOfService { get; set; }

    public bool Acknowledged => AcknowledgedAt is not null;

    /// <summary>A latched alarm was reset by an operator (until its condition returns).</summary>
    public bool ResetDone { get; set; }

    /// <summary>The alarm as its latest transition published it.</summary>
    public AlarmDto? Last { get; set; }

    /// <summary>The state shown, overlays first.</summary>
    public AlarmState State =>
        OutOfService is not null ? AlarmState.OutOfService
        : Suppression is not null ? AlarmState.Suppressed
        : ShelvedUntil is not null ? AlarmState.Shelved
        : BaseState;

    /// <summary>The ISA-18.2 annunciation state without overlays.</summary>
    public AlarmState BaseState =>
        ConditionActive ? (Acknowledged ? AlarmState.Acknowledged : AlarmState.Unacknowledged)
        : !Acknowledged ? AlarmState.ReturnedUnacknowledged
        : Template.Latching && !ResetDone ? AlarmState.Latched
        : AlarmState.Normal;

    /// <summary>Over: cleared, acknowledged, reset if latching, and not held by an overlay.</summary>
    public bool IsOver => State == AlarmState.Normal;

    public AlarmDto ToDto(long seq, DateTimeOffset changedAt, AlarmTransitionKind transition, string by, string? reason) => Template with
    {
        Seq = seq,
        State = State.ToString(),
        Transition = transition.ToString(),
        By = by,
        Reason = reason,
        ConditionActive = ConditionActive,
        Value = Value,
        RaisedAt = RaisedAt,
        AcknowledgedAt = AcknowledgedAt,
        AcknowledgedBy = AcknowledgedBy,
        ClearedAt = ClearedAt,
        Activations = Activations,
        ShelvedUntil = ShelvedUntil,
        ShelvedBy = ShelvedBy,
        ShelveReason = ShelveReason,
        Suppression = OutOfService ?? Suppression,
        ChangedAt = changedAt,
    };

    /// <summary>Rebuilds an alarm from its latest journaled transition.</summary>
    public static Alarm FromDto(AlarmDto dto) => new()
    {
        Template = dto,
        ConditionActive = dto.ConditionActive,
        Value = dto.Value,
        RaisedAt = dto.RaisedAt,
        AcknowledgedAt = dto.AcknowledgedAt,
        AcknowledgedBy = dto.AcknowledgedBy,
        ClearedAt = dto.ClearedAt,
        Activations = dto.Activations,
        ShelvedUntil = dto.ShelvedUntil,
        ShelvedBy = dto.ShelvedBy,
        ShelveReason = dto.ShelveReason,
        Last = dto,
    };
}
