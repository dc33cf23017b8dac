using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>
/// Reads rules.yaml into threshold rules, checking them against the sensor types, and its overrides, checking them
/// against the rules (their scopes are checked against the topology by <see cref="OverrideScopeChecker"/>).
/// </summary>
internal static class RulesParser
{
    private static readonly string[] Required = ["id", "sensor_type", "kind", "direction", "priority", "life_safety", "message"];

    private static readonly string[] Optional = ["limit", "deadband", "on_delay", "off_delay", "cabin_types", "site_kinds", "basis"];

    private static readonly string[] OverrideRequired = ["rule"];

    private static readonly string[] OverrideOptional =
        ["site", "tunnel", "cabin", "zone", "device", "limit", "priority", "deadband", "on_delay", "off_delay", "enabled", "message", "note"];

    /// <summary>The scope keys, least specific first, with their level.</summary>
    private static readonly (string Key, RuleScopeLevel Level)[] ScopeKeys =
    [
        ("site", RuleScopeLevel.Site),
        ("tunnel", RuleScopeLevel.Tunnel),
        ("cabin", RuleScopeLevel.Cabin),
        ("zone", RuleScopeLevel.Zone),
        ("device", RuleScopeLevel.Device),
    ];

    private static readonly string[] ChangeKeys = ["limit", "priority", "deadband", "on_delay", "off_delay", "enabled", "message"];

    public static RulesResult Parse(YamlReader reader, YamlNode root, SensorTypeCatalog types)
    {
        var map = reader.Map(root, YamlPath.Root, ["rules"], ["overrides"]);
        var items = map?.Sequence("rules");
        var rules = new List<ThresholdRule>();
        var ids = new IdIndex("rule");
        var broken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items ?? [])
        {
            if (ParseRule(reader, item, types, ids, broken) is { } rule)
            {
                rules.Add(rule);
            }
        }

        var overrides = new List<OverrideEntry>();
        if (map is not null && map.Has("overrides"))
        {
            var byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.Sequence("overrides") ?? [])
            {
                if (ParseOverride(reader, item, types, byId, broken, seen) is { } entry)
                {
                    overrides.Add(entry);
                }
            }
        }

        return new RulesResult(rules, overrides);
    }

    private static OverrideEntry? ParseOverride(
        YamlReader reader, YamlItem item, SensorTypeCatalog types, Dictionary<string, ThresholdRule> rules, HashSet<string> broken, Dictionary<string, string> seen)
    {
        var map = reader.Map(item.Node, item.Path, OverrideRequired, OverrideOptional);
        if (map is null)
        {
            return null;
        }

        var ruleId = map.Name("rule", SeedVocabulary.RuleIdPattern(), SeedVocabulary.RuleIdRule);
        ThresholdRule? rule = null;
        if (ruleId is not null && !rules.TryGetValue(ruleId, out rule) && !broken.Contains(ruleId))
        {
            map.Error("rule", $"unknown rule '{ruleId}'{YamlReader.DidYouMean(ruleId, rules.Keys)}: an override can only change a rule defined under 'rules'");
        }

        var (scope, ok) = Scope(reader, map);
        var type = rule is not null && types.Types.TryGetValue(rule.SensorType, out var t) ? t : null;
        var limit = map.Has("limit") ? OverrideLimit(map, rule, type, ref ok) : null;
        var priority = OptionalValue(map, "priority", m => m.Choice("priority", SeedVocabulary.Priorities), ref ok);
        var deadband = OptionalValue(map, "deadband", m => m.Number("deadband"), ref ok);
        if (deadband is < 0)
        {
            map.Error("deadband", $"must be ≥ 0 (got {deadband})");
            ok = false;
        }

        var onDelay = OptionalValue(map, "on_delay", m => m.Duration("on_delay"), ref ok);
        var offDelay = OptionalValue(map, "off_delay", m => m.Duration("off_delay"), ref ok);
        var enabled = OptionalValue(map, "enabled", m => m.Boolean("enabled"), ref ok);
        var message = map.Has("message") ? map.Text("message") : null;
        var note = map.Has("note") ? map.Text("note") : string.Empty;
        ok &= (!map.Has("message") || message is not null) && note is not null;
        if (rule is { LifeSafety: true } && onDelay > TimeSpan.Zero)
        {
            map.Error("on_delay", $"rule '{rule.Id}' is life-safety and must raise at once: on_delay must be 0 in an override too, got {map.Text("on_delay")}");
            ok = false;
        }

        if (!ChangeKeys.Any(map.Has))
        {
            reader.Error(map.Node, map.Path, $"the override changes nothing: set at least one of {string.Join(", ", ChangeKeys)}");
            ok = false;
        }

        if (rule is not null && scope is not null)
        {
            var key = $"{rule.Id}|{scope.Level}|{scope.Id}";
            if (seen.TryGetValue(key, out var first))
            {
                reader.Error(
                    map.Node,
                    map.Path,
                    $"duplicate override of rule '{rule.Id}' for {scope} (first at {first}): one place has one value per rule, so merge the two entries");
                ok = false;
            }
            else
            {
                seen[key] = map.Path;
            }
        }

        if (!ok || rule is null || scope is null || note is null)
        {
            return null;
        }

        var result = new RuleOverride
        {
            RuleId = rule.Id,
            Scope = scope,
            Limit = limit,
            Priority = priority,
            Deadband = deadband,
            OnDelay = onDelay,
            OffDelay = offDelay,
            Enabled = enabled,
            Message = message,
            Note = note,
        };
        return new OverrideEntry(result, rule, map);
    }

    /// <summary>The scope ids (format only; <see cref="OverrideScopeChecker"/> looks them up). Ok is false on any error.</summary>
    private static (RuleScope? Scope, bool Ok) Scope(YamlReader reader, YamlMap map)
    {
        var ok = true;
        var ids = new Dictionary<RuleScopeLevel, string>();
        foreach (var (key, level) in ScopeKeys)
        {
            if (!map.Has(key))
            {
                continue;
            }

            if (map.Name(key, SeedVocabulary.IdPattern(), SeedVocabulary.IdRule) is { } id)
            {
                ids[level] = id;
            }
            else
            {
                ok = false;
            }
        }

        if (ids.Count == 0)
        {
            if (ok)
            {
                reader.Error(
                    map.Node,
                    map.Path,
                    $"the override has no scope: name where it applies with one or more of {string.Join(", ", ScopeKeys.Select(k => k.Key))} (a change for every sensor belongs in the rule itself)");
            }

            return (null, false);
        }

        var scope = new RuleScope
        {
            SiteId = ids.GetValueOrDefault(RuleScopeLevel.Site),
            TunnelId = ids.GetValueOrDefault(RuleScopeLevel.Tunnel),
            CabinId = ids.GetValueOrDefault(RuleScopeLevel.Cabin),
            ZoneId = ids.GetValueOrDefault(RuleScopeLevel.Zone),
            DeviceId = ids.GetValueOrDefault(RuleScopeLevel.Device),
        };
        return (ok ? scope : null, ok);
    }

    private static double? OverrideLimit(YamlMap map, ThresholdRule? rule, SensorType? type, ref bool ok)
    {
        if (rule is not null && rule.Direction is not (ThresholdDirection.High or ThresholdDirection.Low))
        {
            map.Error("limit", $"rule '{rule.Id}' is {SeedVocabulary.Directions.NameOf(rule.Direction)} and has no limit; remove it");
            ok = false;
            return null;
        }

        return LimitInRange(map, type, $", so rule '{rule?.Id}' could never fire there", ref ok);
    }

    /// <summary>An optional value: null when absent; when present but invalid (reported), null and <paramref name="ok"/> false.</summary>
    private static T? OptionalValue<T>(YamlMap map, string key, Func<YamlMap, T?> read, ref bool ok)
        where T : struct
    {
        if (!map.Has(key))
        {
            return null;
        }

        var value = read(map);
        ok &= value is not null;
        return value;
    }

    private static ThresholdRule? ParseRule(YamlReader reader, YamlItem item, SensorTypeCatalog types, IdIndex ids, HashSet<string> broken)
    {
        var map = reader.Map(item.Node, item.Path, Required, Optional);
        if (map is null)
        {
            return null;
        }

        var id = map.Name("id", SeedVocabulary.RuleIdPattern(), SeedVocabulary.RuleIdRule);
        var unique = id is not null && ids.Claim(reader, map["id"], map.PathOf("id"), id);
        var type = map["sensor_type"] is { } typeNode ? types.Resolve(reader, typeNode, map.PathOf("sensor_type")) : null;
        var kind = map.Name("kind", SeedVocabulary.NamePattern(), "alarm kind: use lower-case letters, digits and underscores, e.g. o2_low");
        var direction = map.Choice("direction", SeedVocabulary.Directions);
        var priority = map.Choice("priority", SeedVocabulary.Priorities);
        var lifeSafety = map.Boolean("life_safety");
        var message = map.Text("message");
        var basis = map.Has("basis") ? map.Text("basis") : string.Empty;
        var ok = CheckDirection(map, type, direction);
        var limit = Limit(map, type, direction, ref ok);
        var deadband = NonNegative(map, "deadband", ref ok);
        var onDelay = Delay(map, "on_delay", ref ok);
        var offDelay = Delay(map, "off_delay", ref ok);
        if (lifeSafety == true && onDelay > TimeSpan.Zero)
        {
            map.Error("on_delay", $"a life-safety rule must raise at once: on_delay must be 0, got {map.Text("on_delay")}");
            ok = false;
        }

        var cabinTypes = map.Has("cabin_types") ? map.Choices("cabin_types", SeedVocabulary.CabinTypes) : [];
        var siteKinds = map.Has("site_kinds") ? map.Choices("site_kinds", SeedVocabulary.SiteKinds) : [];
        if (cabinTypes is { Count: > 0 } && siteKinds is { Count: > 0 } && !siteKinds.Contains(SiteKind.TunnelProject))
        {
            map.Error("cabin_types", "cabin types only match tunnel devices, but site_kinds leaves out tunnel_project");
            ok = false;
        }

        if (!ok || !unique || id is null || type is null || kind is null || direction is null || priority is null
            || lifeSafety is null || message is null || basis is null || cabinTypes is null || siteKinds is null)
        {
            if (id is not null && unique)
            {
                // Overrides of a rule that has its own errors are not reported again.
                broken.Add(id);
            }

            return null;
        }

        return new ThresholdRule
        {
            Id = id,
            SensorType = type.Id,
            Kind = kind,
            Direction = direction.Value,
            Limit = limit ?? 0,
            Priority = priority.Value,
            Deadband = deadband,
            OnDelay = onDelay,
            OffDelay = offDelay,
            LifeSafety = lifeSafety.Value,
            CabinTypes = cabinTypes,
            SiteKinds = siteKinds,
            Message = message,
            Basis = basis,
        };
    }

    private static bool CheckDirection(YamlMap map, SensorType? type, ThresholdDirection? direction)
    {
        if (type is null || direction is not { } d)
        {
            return true;
        }

        var analog = d is ThresholdDirection.High or ThresholdDirection.Low;
        if (analog == (type.Kind == ChannelKind.Analog))
        {
            return true;
        }

        var name = SeedVocabulary.Directions.NameOf(d);
        map.Error(
            "direction",
            analog
                ? $"'{name}' needs an analog sensor type, but '{type.Id}' is boolean; use on_true or on_false"
                : $"'{name}' needs a boolean sensor type, but '{type.Id}' is analog; use high or low");
        return false;
    }

    private static double? Limit(YamlMap map, SensorType? type, ThresholdDirection? direction, ref bool ok)
    {
        var analog = direction is ThresholdDirection.High or ThresholdDirection.Low;
        if (!map.Has("limit"))
        {
            if (analog)
            {
                map.Error("limit", "missing required key 'limit' (high and low rules need one)");
                ok = false;
            }

            return null;
        }

        if (direction is not null && !analog)
        {
            map.Error("limit", $"{SeedVocabulary.Directions.NameOf(direction.Value)} rules have no limit; remove it");
            ok = false;
            return null;
        }

        return LimitInRange(map, type, string.Empty, ref ok);
    }

    // The 'limit' key, which must lie inside the sensor type's physical range.
    private static double? LimitInRange(YamlMap map, SensorType? type, string consequence, ref bool ok)
    {
        var limit = map.Number("limit");
        if (limit is null)
        {
            ok = false;
            return null;
        }

        if (type is { Kind: ChannelKind.Analog } && (limit < type.Min || limit > type.Max))
        {
            map.Error("limit", $"{limit} lies outside the physical range of '{type.Id}' ({type.Min}–{type.Max} {type.Unit}){consequence}");
            ok = false;
        }

        return limit;
    }

    private static double NonNegative(YamlMap map, string key, ref bool ok)
    {
        if (!map.Has(key))
        {
            return 0;
        }

        var value = map.Number(key);
        if (value is < 0)
        {
            map.Error(key, $"must be ≥ 0 (got {value})");
        }

        if (value is not >= 0)
        {
            ok = false;
            return 0;
        }

        return value.Value;
    }

    private static TimeSpan Delay(YamlMap map, string key, ref bool ok)
    {
        if (!map.Has(key))
        {
            return TimeSpan.Zero;
        }

        if (map.Duration(key) is { } value)
        {
            return value;
        }

        ok = false;
        return TimeSpan.Zero;
    }
}
