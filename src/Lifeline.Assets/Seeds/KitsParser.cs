using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>
/// Reads kits.yaml: the zone-controller kit per cabin type, and the mandatory (●) sensor types of
/// GB 50838 table 7.5.4 that every kit is checked against.
/// </summary>
internal static class KitsParser
{
    private const string All = "all";

    public static KitCatalog Parse(YamlReader reader, YamlNode root, SensorTypeCatalog types)
    {
        var kits = new KitCatalog();
        var map = reader.Map(root, YamlPath.Root, ["kits"], ["mandatory"]);
        if (map is null)
        {
            kits.Usable = false;
            return kits;
        }

        var mandatory = ParseMandatory(reader, map, types);
        var entries = map.Entries("kits");
        if (entries is null)
        {
            kits.Usable = false;
            return kits;
        }

        foreach (var entry in entries)
        {
            if (reader.Choice(entry.KeyNode, entry.Path, SeedVocabulary.CabinTypes) is not { } cabinType)
            {
                continue;
            }

            var kit = ParseKit(reader, entry, cabinType, types, mandatory);
            if (kit is null)
            {
                kits.MarkBroken(cabinType);
            }
            else
            {
                kits.Add(kit);
            }
        }

        return kits;
    }

    private static KitSpec? ParseKit(YamlReader reader, YamlEntry entry, CabinType cabinType, SensorTypeCatalog types, Dictionary<string, List<string>> mandatory)
    {
        var kit = reader.Map(entry.Value, entry.Path, ["model", "channels"], ["interval"]);
        if (kit is null)
        {
            return null;
        }

        var model = kit.Text("model");
        TimeSpan? interval = null;
        if (kit.Has("interval"))
        {
            interval = kit.Duration("interval");
            if (interval is null)
            {
                return null;
            }

            if (interval <= TimeSpan.Zero)
            {
                kit.Error("interval", "must be > 0");
                return null;
            }
        }

        var channels = ChannelParser.Parse(reader, kit["channels"], kit.PathOf("channels"), types);
        if (model is null || channels is null)
        {
            return null;
        }

        var cabinName = SeedVocabulary.CabinName(cabinType);
        var ok = true;
        foreach (var group in new[] { All, cabinName })
        {
            foreach (var required in mandatory.GetValueOrDefault(group) ?? [])
            {
                if (!channels.Any(c => c.Type.Id == required))
                {
                    kit.Error(
                        "channels",
                        $"GB 50838 table 7.5.4 requires {required} in {cabinName} cabins (mandatory.{group}); add a channel of sensor type '{required}'");
                    ok = false;
                }
            }
        }

        return ok ? new KitSpec(cabinType, model, channels, interval) : null;
    }

    private static Dictionary<string, List<string>> ParseMandatory(YamlReader reader, YamlMap map, SensorTypeCatalog types)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var entries = map.Entries("mandatory");
        foreach (var entry in entries ?? [])
        {
            if (entry.Key != All && reader.Choice(entry.KeyNode, entry.Path, SeedVocabulary.CabinTypes) is null)
            {
                continue;
            }

            var ids = new List<string>();
            foreach (var item in reader.Sequence(entry.Value, entry.Path) ?? [])
            {
                if (types.Resolve(reader, item.Node, item.Path) is { } type)
                {
                    ids.Add(type.Id);
                }
            }

            result[entry.Key] = ids;
        }

        return result;
    }
}
