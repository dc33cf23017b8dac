namespace Lifeline.Rules;

/// <summary>What a swap of the rule set changed.</summary>
/// <param name="Added">Ids of rules that are new.</param>
/// <param name="Removed">Ids of rules that are gone.</param>
/// <param name="Changed">
/// Ids of rules kept whose effective definition changed on at least one sensor (limit, priority, deadband, delays,
/// direction, kind, message, life-safety) or that now apply to other sensors (filters, overrides, enabled).
/// </param>
/// <param name="Unchanged">Rule instances (sensor, rule) whose state (active, delay timers) was carried over.</param>
/// <param name="Reset">Rule instances dropped or changed: their state starts again at normal with the next reading.</param>
/// <param name="ClearedAlarms">Active alarms cleared because their rule instance was changed, disabled or removed.</param>
public sealed record RuleSetChange(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed,
    int Unchanged,
    int Reset,
    int ClearedAlarms);
