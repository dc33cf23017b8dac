using Lifeline.Domain.Alarms;
using Lifeline.Rules;
using Lifeline.Server.RuleReload;

namespace Lifeline.Server.Endpoints;

/// <summary><c>GET /api/rules</c>: the rules in force, how they vary by place, the overrides and the last reload.</summary>
/// <param name="File">The rules.yaml that is reloaded.</param>
/// <param name="Watching">True when a change of the file on disk reloads it.</param>
/// <param name="LoadedAt">When the rules in force were loaded (start-up or the last successful reload).</param>
/// <param name="LastReload">The last reload, successful or not (null before the first).</param>
/// <param name="Rules">Every rule as defined per sensor type, with its effective variants.</param>
/// <param name="Overrides">The overrides in force, in file order.</param>
public sealed record RulesView(
    string File,
    bool Watching,
    DateTimeOffset LoadedAt,
    RuleReloadResult? LastReload,
    IReadOnlyList<RuleView> Rules,
    IReadOnlyList<RuleOverride> Overrides)
{
    public static RulesView From(RuleReloader reloader, CompiledRules current)
    {
        ArgumentNullException.ThrowIfNull(reloader);
        ArgumentNullException.ThrowIfNull(current);
        var effective = current.Effective.ToLookup(e => e.Rule.Id, StringComparer.Ordinal);
        var disabled = current.Disabled.ToLookup(e => e.Rule.Id, StringComparer.Ordinal);
        var rules = current.Rules.Rules
            .Select(rule => RuleView.From(rule, effective[rule.Id].ToList(), disabled[rule.Id].Count()))
            .ToList();
        return new RulesView(reloader.FilePath, reloader.Watching, reloader.LoadedAt, reloader.LastReload, rules, current.Rules.Overrides);
    }
}

/// <summary>A rule as defined per sensor type and where overrides make it differ.</summary>
/// <param name="Rule">The rule as rules.yaml defines it for its sensor type.</param>
/// <param name="Sensors">Sensors the rule is evaluated on (with or without overrides).</param>
/// <param name="DisabledSensors">Sensors the rule would apply to but an override disables it on.</param>
/// <param name="Variants">The effective definitions that differ from <paramref name="Rule"/>, with how many sensors have each.</param>
public sealed record RuleView(ThresholdRule Rule, int Sensors, int DisabledSensors, IReadOnlyList<RuleVariantView> Variants)
{
    public static RuleView From(ThresholdRule rule, IReadOnlyList<EffectiveRule> effective, int disabled)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(effective);
        var defaults = RuleVariantView.Key(rule);
        var variants = effective
            .Where(e => !ReferenceEquals(e.Rule, rule))
            .GroupBy(e => RuleVariantView.Key(e.Rule))
            .Where(g => g.Key != defaults)
            .Select(g => RuleVariantView.From(g.First().Rule, g.Count(), g.First().SensorId))
            .ToList();
        return new RuleView(rule, effective.Count, disabled, variants);
    }
}

/// <summary>One effective definition of a rule that overrides produce.</summary>
/// <param name="Limit">Null for boolean rules.</param>
/// <param name="Priority">The effective priority.</param>
/// <param name="Deadband">The effective deadband.</param>
/// <param name="OnDelay">The effective on-delay.</param>
/// <param name="OffDelay">The effective off-delay.</param>
/// <param name="Message">The effective operator text.</param>
/// <param name="Sensors">How many sensors have this definition.</param>
/// <param name="FirstSensor">One of them, to look up with <c>GET /api/rules?sensor=</c>.</param>
public sealed record RuleVariantView(double? Limit, AlarmPriority Priority, double Deadband, TimeSpan OnDelay, TimeSpan OffDelay, string Message, int Sensors, string FirstSensor)
{
    public static RuleVariantView From(ThresholdRule rule, int sensors, string firstSensor)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new(LimitOf(rule), rule.Priority, rule.Deadband, rule.OnDelay, rule.OffDelay, rule.Message, sensors, firstSensor);
    }

    internal static (double? Limit, AlarmPriority Priority, double Deadband, TimeSpan OnDelay, TimeSpan OffDelay, string Message) Key(ThresholdRule rule) =>
        (LimitOf(rule), rule.Priority, rule.Deadband, rule.OnDelay, rule.OffDelay, rule.Message);

    private static double? LimitOf(ThresholdRule rule) => rule.Direction is ThresholdDirection.High or ThresholdDirection.Low ? rule.Limit : null;
}

/// <summary><c>GET /api/rules?sensor=</c>: the rules evaluated on one sensor, as they apply there.</summary>
/// <param name="SensorId">The sensor, <c>{device}.{channel}</c>.</param>
/// <param name="Rules">The effective rules (with the overrides of its place).</param>
/// <param name="Disabled">Ids of the rules an override disables on it.</param>
public sealed record SensorRulesView(string SensorId, IReadOnlyList<ThresholdRule> Rules, IReadOnlyList<string> Disabled);
