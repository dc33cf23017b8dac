using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>
/// Reads a channel mapping: <c>channel name → sensor type id</c>, or
/// <c>channel name → {type: id, min: …, max: …}</c> to override the type's physical range.
/// </summary>
internal static class ChannelParser
{
    /// <summary>The channels in file order, or null when any of them is invalid (already reported).</summary>
    public static List<Channel>? Parse(YamlReader reader, YamlNode? node, string path, SensorTypeCatalog types)
    {
        if (node is null)
        {
            return null;
        }

        var entries = reader.Entries(node, path);
        if (entries is null)
        {
            return null;
        }

        if (entries.Count == 0)
        {
            reader.Error(node, path, "must list at least one channel");
            return null;
        }

        var channels = new List<Channel>();
        var ok = true;
        foreach (var entry in entries)
        {
            if (!SeedVocabulary.NamePattern().IsMatch(entry.Key))
            {
                reader.Error(entry.KeyNode, entry.Path, $"'{entry.Key}' is not a valid channel {SeedVocabulary.NameRule}");
                ok = false;
                continue;
            }

            var channel = ParseChannel(reader, entry, types);
            if (channel is null)
            {
                ok = false;
                continue;
            }

            channels.Add(channel);
        }

        return ok ? channels : null;
    }

    private static Channel? ParseChannel(YamlReader reader, YamlEntry entry, SensorTypeCatalog types)
    {
        if (entry.Value is not YamlMappingNode)
        {
            var type = types.Resolve(reader, entry.Value, entry.Path);
            return type is null ? null : new Channel(entry.Key, type, type.Min, type.Max);
        }

        var map = reader.Map(entry.Value, entry.Path, ["type"], ["min", "max"]);
        if (map?["type"] is not { } typeNode)
        {
            return null;
        }

        var resolved = types.Resolve(reader, typeNode, map.PathOf("type"));
        var min = map.Has("min") ? map.Number("min") : resolved?.Min;
        var max = map.Has("max") ? map.Number("max") : resolved?.Max;
        if (resolved is null || min is null || max is null)
        {
            return null;
        }

        if (max <= min)
        {
            map.Error(map.Has("max") ? "max" : "min", $"the channel range is empty: max {max} ≤ min {min}");
            return null;
        }

        return new Channel(entry.Key, resolved, min.Value, max.Value);
    }
}
