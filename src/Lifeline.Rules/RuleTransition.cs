using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Rules;

/// <summary>A rule changed its verdict about one sensor.</summary>
/// <param name="Kind">Raised or cleared.</param>
/// <param name="Rule">The rule.</param>
/// <param name="Device">The device of the sensor.</param>
/// <param name="Channel">The channel of the sensor.</param>
/// <param name="Value">The value that decided it.</param>
/// <param name="At">When the transition took effect.</param>
public sealed record RuleTransition(RuleTransitionKind Kind, ThresholdRule Rule, Device Device, Channel Channel, double Value, DateTimeOffset At)
{
    public string SensorId => Device.SensorId(Channel.Name);

    /// <summary>Why, when it was not the value: e.g. a cleared transition because a reload changed or removed the rule.</summary>
    public string? Reason { get; init; }
}
