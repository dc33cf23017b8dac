using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Simulation.Scenarios;

/// <summary>
/// Reads scenario sets from YAML:
/// <code>
/// sets:
///   demo:
///     description: O₂ depletion and a gas leak within 30 s
///     scenarios:
///       - o2-depletion@yongchang-rd-trunk-gas-z003+10s~5m
/// </code>
/// </summary>
public static class ScenarioSetFile
{
    public const string FileName = "scenarios.yaml";

    public static IReadOnlyDictionary<string, ScenarioSet> Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    public static IReadOnlyDictionary<string, ScenarioSet> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new ScenarioSpecException($"{source}: line {ex.Start.Line}: {ex.Message}", ex);
        }

        var sets = new Dictionary<string, ScenarioSet>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return sets;
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("sets"), out var setsNode))
        {
            return sets;
        }

        if (setsNode is not YamlMappingNode setsMap)
        {
            throw new ScenarioSpecException($"{source}: line {setsNode.Start.Line}: 'sets' must be a mapping of set name to set");
        }

        foreach (var (keyNode, valueNode) in setsMap.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            var description = string.Empty;
            var specs = new List<string>();
            if (valueNode is YamlMappingNode set)
            {
                if (set.Children.TryGetValue(new YamlScalarNode("description"), out var d) && d is YamlScalarNode ds)
                {
                    description = ds.Value ?? string.Empty;
                }

                if (set.Children.TryGetValue(new YamlScalarNode("scenarios"), out var s))
                {
                    specs.AddRange(Specs(s, source, name));
                }
            }
            else if (valueNode is YamlSequenceNode)
            {
                specs.AddRange(Specs(valueNode, source, name));
            }
            else
            {
                throw new ScenarioSpecException($"{source}: line {valueNode.Start.Line}: set '{name}' must hold a 'scenarios' list");
            }

            sets[name] = new ScenarioSet(name, description, specs);
        }

        return sets;
    }

    /// <summary>Looks for <c>seeds/baoshan/scenarios.yaml</c> in <paramref name="startDirectories"/> and their parents.</summary>
    public static string? Find(params string[] startDirectories)
    {
        ArgumentNullException.ThrowIfNull(startDirectories);
        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "seeds", "baoshan", FileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Specs(YamlNode node, string source, string set)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw new ScenarioSpecException($"{source}: line {node.Start.Line}: 'scenarios' of set '{set}' must be a list of specs");
        }

        foreach (var item in sequence.Children)
        {
            yield return item is YamlScalarNode { Value: { } v }
                ? v
                : throw new ScenarioSpecException($"{source}: line {item.Start.Line}: a scenario of set '{set}' must be a spec string such as o2-depletion@zone+10s");
        }
    }
}
