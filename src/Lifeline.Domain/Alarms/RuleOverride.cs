namespace Lifeline.Domain.Alarms;

/// <summary>
/// Changes one threshold rule within a <see cref="RuleScope"/> (<c>overrides:</c> in rules.yaml). Every value left null
/// keeps the rule's (or a less specific override's) value; <see cref="Enabled"/> = false switches the rule off there.
/// </summary>
public sealed record RuleOverride
{
    /// <summary>The id of the rule it changes; the rule keeps this id.</summary>
    public required string RuleId { get; init; }

    public required RuleScope Scope { get; init; }

    public double? Limit { get; init; }

    public AlarmPriority? Priority { get; init; }

    public double? Deadband { get; init; }

    public TimeSpan? OnDelay { get; init; }

    public TimeSpan? OffDelay { get; init; }

    /// <summary>False: the rule is not evaluated in the scope; true: switches it back on below a less specific override.</summary>
    public bool? Enabled { get; init; }

    public string? Message { get; init; }

    /// <summary>Why the override exists (known issue, work order, permit), for the people who read the file.</summary>
    public string Note { get; init; } = string.Empty;

    /// <summary>The rule with the values this override sets.</summary>
    public ThresholdRule ApplyTo(ThresholdRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return rule with
        {
            Limit = Limit ?? rule.Limit,
            Priority = Priority ?? rule.Priority,
            Deadband = Deadband ?? rule.Deadband,
            OnDelay = OnDelay ?? rule.OnDelay,
            OffDelay = OffDelay ?? rule.OffDelay,
            Message = Message ?? rule.Message,
        };
    }
}
