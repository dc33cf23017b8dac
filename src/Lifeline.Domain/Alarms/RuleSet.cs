using System.Diagnostics.CodeAnalysis;
using Lifeline.Domain.Assets;

namespace Lifeline.Domain.Alarms;

/// <summary>
/// The threshold rules per sensor type and their overrides per site, tunnel, cabin, zone or device: everything
/// rules.yaml says. <see cref="Resolve"/> gives the rule as it applies to one device.
/// </summary>
public sealed class RuleSet
{
    private readonly Dictionary<string, ThresholdRule> _byId;
    private readonly Dictionary<string, RuleOverride[]> _overridesByRule;

    public RuleSet(IReadOnlyList<ThresholdRule> rules, IReadOnlyList<RuleOverride>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = rules;
        Overrides = overrides ?? [];
        _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var item in Overrides)
        {
            if (!_byId.ContainsKey(item.RuleId))
            {
                throw new ArgumentException($"override of unknown rule '{item.RuleId}'", nameof(overrides));
            }

            if (item.Scope.Level == RuleScopeLevel.None)
            {
                throw new ArgumentException($"override of rule '{item.RuleId}' has no scope", nameof(overrides));
            }
        }

        // Least specific first, so applying them in order lets the most specific one have the last word; within a
        // level, file order (the loader rejects two overrides of one rule for the same place).
        _overridesByRule = Overrides
            .Select((o, index) => (Override: o, Index: index))
            .GroupBy(x => x.Override.RuleId, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => g.OrderBy(x => x.Override.Scope.Level).ThenBy(x => x.Index).Select(x => x.Override).ToArray(),
                StringComparer.Ordinal);
    }

    public static RuleSet Empty { get; } = new([]);

    /// <summary>The rules as defined per sensor type (before overrides).</summary>
    public IReadOnlyList<ThresholdRule> Rules { get; }

    /// <summary>The overrides, in file order.</summary>
    public IReadOnlyList<RuleOverride> Overrides { get; }

    public bool TryGetRule(string id, [NotNullWhen(true)] out ThresholdRule? rule) => _byId.TryGetValue(id, out rule);

    /// <summary>The overrides of one rule that match the device, least specific first.</summary>
    public IReadOnlyList<RuleOverride> OverridesFor(ThresholdRule rule, Device device)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(device);
        return _overridesByRule.TryGetValue(rule.Id, out var overrides) ? overrides.Where(o => o.Scope.Matches(device)).ToList() : [];
    }

    /// <summary>
    /// The effective rule on <paramref name="device"/>: the rule itself (the same instance) when no override matches,
    /// else a copy with the same id and each value taken from the most specific matching override that sets it.
    /// Null when the rule does not apply to the device (cabin types, site kinds) or an override disables it there.
    /// </summary>
    public ThresholdRule? Resolve(ThresholdRule rule, Device device)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(device);
        if (!rule.AppliesTo(device))
        {
            return null;
        }

        if (!_overridesByRule.TryGetValue(rule.Id, out var overrides))
        {
            return rule;
        }

        var effective = rule;
        var enabled = true;
        foreach (var item in overrides)
        {
            if (item.Scope.Matches(device))
            {
                effective = item.ApplyTo(effective);
                enabled = item.Enabled ?? enabled;
            }
        }

        return enabled ? effective : null;
    }
}
