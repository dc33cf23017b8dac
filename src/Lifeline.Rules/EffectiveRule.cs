using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Rules;

/// <summary>A rule as it applies to one sensor, with the values of the overrides for its place.</summary>
/// <param name="Device">The device of the sensor.</param>
/// <param name="Channel">The channel of the sensor.</param>
/// <param name="Rule">The effective rule (same id as the rule of rules.yaml).</param>
public sealed record EffectiveRule(Device Device, Channel Channel, ThresholdRule Rule)
{
    public string SensorId => Device.SensorId(Channel.Name);
}
