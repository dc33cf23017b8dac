namespace Lifeline.Rules;

/// <summary>What a rule evaluation decided.</summary>
public enum RuleTransitionKind
{
    /// <summary>The condition held (for its on-delay): the alarm becomes active.</summary>
    Raised,

    /// <summary>The value returned inside the deadband (for its off-delay): the alarm condition is gone.</summary>
    Cleared,
}
