using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads rules.yaml into threshold rules, checking them against the sensor types.</summary>
internal static class RulesParser
{
    private static readonly string[] Required = ["id", "sensor_type", "kind", "direction", "priority", "life_safety", "message"];

    private static readonly string[] Optional = ["limit", "deadband", "on_delay", "off_delay", "cabin_types", "site_kinds", "basis"];

    public static List<ThresholdRule> Parse(YamlReader reader, YamlNode root, SensorTypeCatalog types)
    {
        var map = reader.Map(root, YamlPath.Root, ["rules"]);
        var items = map?.Sequence("rules");
        var rules = new List<ThresholdRule>();
        var ids = new IdIndex("rule");
        foreach (var item in items ?? [])
        {
            if (ParseRule(reader, item, types, ids) is { } rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    private static ThresholdRule? ParseRule(YamlReader reader, YamlItem item, SensorTypeCatalog types, IdIndex ids)
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

        var limit = map.Number("limit");
        if (limit is null)
        {
            ok = false;
            return null;
        }

        if (type is { Kind: ChannelKind.Analog } && (limit < type.Min || limit > type.Max))
        {
            map.Error("limit", $"{limit} lies outside the physical range of '{type.Id}' ({type.Min}–{type.Max} {type.Unit})");
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
