namespace Lifeline.Domain.Alarms;

/// <summary>How specific a <see cref="RuleScope"/> is; a more specific override wins over a less specific one.</summary>
public enum RuleScopeLevel
{
    /// <summary>No id given: matches nothing (the loader rejects such an override).</summary>
    None = 0,

    Site = 1,

    Tunnel = 2,

    Cabin = 3,

    Zone = 4,

    Device = 5,
}
