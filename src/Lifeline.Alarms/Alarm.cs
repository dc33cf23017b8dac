using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Alarms;

/// <summary>One alarm occurrence of one rule on one sensor, from raise until it is cleared and acknowledged.</summary>
internal sealed class Alarm
{
    public required string Id { get; init; }

    public required ThresholdRule Rule { get; init; }

    public required Device Device { get; init; }

    public required Channel Channel { get; init; }

    public AlarmState State { get; set; }

    public double Value { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public string? AcknowledgedBy { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }

    /// <summary>The alarm as its latest transition published it (seq and time of that transition).</summary>
    public AlarmDto? Last { get; set; }

    public string Key => AlarmService.KeyOf(Device.SensorId(Channel.Name), Rule.Id);

    public AlarmDto ToDto(long seq, DateTimeOffset changedAt) => new()
    {
        Seq = seq,
        Id = Id,
        State = State.ToString(),
        Priority = Rule.Priority.ToString(),
        Kind = Rule.Kind,
        RuleId = Rule.Id,
        SiteId = Device.SiteId,
        DeviceId = Device.Id,
        SensorId = Device.SensorId(Channel.Name),
        TunnelId = Device.Location.TunnelId,
        CabinId = Device.Location.CabinId,
        ZoneId = Device.Location.ZoneId,
        Location = Device.Location.Description,
        Value = Value,
        Limit = Rule.Direction is ThresholdDirection.High or ThresholdDirection.Low ? Rule.Limit : null,
        Unit = Channel.Unit,
        Message = Rule.Message,
        RaisedAt = RaisedAt,
        AcknowledgedAt = AcknowledgedAt,
        AcknowledgedBy = AcknowledgedBy,
        ClearedAt = ClearedAt,
        ChangedAt = changedAt,
    };
}
