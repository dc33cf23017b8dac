using Lifeline.Domain.Alarms;

namespace Lifeline.Rules;

/// <summary>The pure limit arithmetic of a threshold rule: when it is violated and when it has cleared (with deadband).</summary>
public static class ThresholdEvaluator
{
    /// <summary>True when <paramref name="value"/> violates the rule.</summary>
    public static bool IsViolated(ThresholdRule rule, double value)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Direction switch
        {
            ThresholdDirection.High => value >= rule.Limit,
            ThresholdDirection.Low => value <= rule.Limit,
            ThresholdDirection.OnTrue => value >= 0.5,
            ThresholdDirection.OnFalse => value < 0.5,
            _ => false,
        };
    }

    /// <summary>True when an active alarm may clear: the value is back inside the limit by more than the deadband.</summary>
    public static bool IsClear(ThresholdRule rule, double value)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule.Direction switch
        {
            ThresholdDirection.High => value < rule.Limit - rule.Deadband,
            ThresholdDirection.Low => value > rule.Limit + rule.Deadband,
            ThresholdDirection.OnTrue => value < 0.5,
            ThresholdDirection.OnFalse => value >= 0.5,
            _ => true,
        };
    }
}
