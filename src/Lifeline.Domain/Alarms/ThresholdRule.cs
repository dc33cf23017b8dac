using Lifeline.Domain.Assets;

namespace Lifeline.Domain.Alarms;

/// <summary>
/// A limit on one sensor type, as configured in <c>seeds/&lt;city&gt;/rules.yaml</c>. A <see cref="RuleOverride"/> for a
/// place gives a copy with the same <see cref="Id"/> and other values (<see cref="RuleSet.Resolve"/>).
/// </summary>
public sealed record ThresholdRule
{
    /// <summary>Unique rule id, e.g. <c>o2.low.l2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The sensor type the rule applies to.</summary>
    public required string SensorType { get; init; }

    /// <summary>Alarm kind shown to operators and used in storage, e.g. <c>o2_low</c>.</summary>
    public required string Kind { get; init; }

    public required ThresholdDirection Direction { get; init; }

    /// <summary>The limit, in the sensor type's unit (ignored for boolean rules).</summary>
    public double Limit { get; init; }

    public required AlarmPriority Priority { get; init; }

    /// <summary>Hysteresis: a high alarm clears below <c>Limit - Deadband</c>, a low one above <c>Limit + Deadband</c>.</summary>
    public double Deadband { get; init; }

    /// <summary>The condition must hold this long before the alarm is raised.</summary>
    public TimeSpan OnDelay { get; init; }

    /// <summary>The condition must be gone this long before the alarm clears.</summary>
    public TimeSpan OffDelay { get; init; }

    /// <summary>Life-safety alarms (gas, O₂) never have an on-delay.</summary>
    public bool LifeSafety { get; init; }

    /// <summary>Restricts the rule to devices in these cabin types; empty means everywhere.</summary>
    public IReadOnlyList<CabinType> CabinTypes { get; init; } = [];

    /// <summary>Restricts the rule to devices on these kinds of site; empty means everywhere.</summary>
    public IReadOnlyList<SiteKind> SiteKinds { get; init; } = [];

    /// <summary>Operator text, e.g. "O₂ below 18 %vol: no entry".</summary>
    public required string Message { get; init; }

    /// <summary>Where the figure comes from (standard clause or "illustrative").</summary>
    public string Basis { get; init; } = string.Empty;

    public bool AppliesTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (CabinTypes.Count > 0 && (device.Location.CabinType is not { } cabin || !CabinTypes.Contains(cabin)))
        {
            return false;
        }

        return SiteKinds.Count == 0 || SiteKinds.Contains(device.Location.SiteKind);
    }
}
