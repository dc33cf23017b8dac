using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads sensor-types.yaml into a <see cref="SensorTypeCatalog"/>.</summary>
internal static class SensorTypesParser
{
    public static SensorTypeCatalog Parse(YamlReader reader, YamlNode root)
    {
        var catalog = new SensorTypeCatalog();
        var map = reader.Map(root, YamlPath.Root, ["sensor_types"]);
        var items = map?.Sequence("sensor_types");
        if (items is null)
        {
            catalog.Usable = false;
            return catalog;
        }

        var ids = new IdIndex("sensor type");
        foreach (var item in items)
        {
            var entry = reader.Map(item.Node, item.Path, ["id", "name", "unit", "kind", "measurement"], ["min", "max"]);
            if (entry is null)
            {
                continue;
            }

            var id = entry.Name("id", SeedVocabulary.NamePattern(), SeedVocabulary.NameRule);
            if (id is not null && !ids.Claim(reader, entry["id"], entry.PathOf("id"), id))
            {
                continue;
            }

            var type = ParseType(entry, id);
            if (type is not null)
            {
                catalog.Add(type);
            }
            else if (id is not null)
            {
                catalog.MarkBroken(id);
            }
        }

        return catalog;
    }

    private static SensorType? ParseType(YamlMap entry, string? id)
    {
        var name = entry.Text("name");
        var unit = entry.Text("unit", allowEmpty: true);
        var kind = entry.Choice("kind", SeedVocabulary.ChannelKinds);
        var measurement = entry.Choice("measurement", SeedVocabulary.Measurements);
        double? min = 0;
        double? max = 1;
        if (kind == ChannelKind.Analog || entry.Has("min") || entry.Has("max"))
        {
            min = Required(entry, "min", kind);
            max = Required(entry, "max", kind);
            if (min is { } lo && max is { } hi && hi <= lo)
            {
                entry.Error("max", $"must be greater than min ({hi} ≤ {lo})");
                max = null;
            }
        }

        if (id is null || name is null || unit is null || kind is null || measurement is null || min is null || max is null)
        {
            return null;
        }

        return new SensorType(id, name, unit, kind.Value, min.Value, max.Value, measurement.Value.Value);
    }

    private static double? Required(YamlMap entry, string key, ChannelKind? kind)
    {
        if (!entry.Has(key))
        {
            if (kind == ChannelKind.Analog)
            {
                entry.Error(key, $"missing required key '{key}' (analog sensor types need a physical range)");
            }

            return null;
        }

        return entry.Number(key);
    }
}
