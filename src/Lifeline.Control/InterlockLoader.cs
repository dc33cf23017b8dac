using System.Globalization;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Control;

/// <summary>
/// Loads <c>interlocks.yaml</c> and checks it against the registry's rules and the command outputs of the device
/// models (<see cref="CommandCatalog"/>). Every problem is reported at once, each as
/// <c>interlocks.yaml: &lt;path&gt;: &lt;reason&gt; (line N)</c>.
/// </summary>
public static class InterlockLoader
{
    /// <summary>The file's name in a city's seed directory.</summary>
    public const string FileName = "interlocks.yaml";

    private static readonly string[] ItemKeys = ["id", "when", "scope", "then", "on_clear", "description", "basis"];
    private static readonly string[] ItemRequired = ["id", "when", "scope", "then"];
    private static readonly string[] WhenKeys = ["rule", "cabin_types"];
    private static readonly string[] ActionKeys = ["channel", "value"];

    private static readonly Dictionary<string, InterlockScope> Scopes = new(StringComparer.Ordinal)
    {
        ["zone"] = InterlockScope.Zone,
        ["zone_and_neighbours"] = InterlockScope.ZoneAndNeighbours,
        ["device"] = InterlockScope.Device,
    };

    private static readonly Dictionary<string, InterlockClear> Clears = new(StringComparer.Ordinal)
    {
        ["none"] = InterlockClear.None,
        ["revert"] = InterlockClear.Revert,
    };

    private static readonly Dictionary<string, CabinType> CabinTypes = new(StringComparer.Ordinal)
    {
        ["integrated"] = CabinType.Integrated,
        ["power"] = CabinType.Power,
        ["gas"] = CabinType.Gas,
        ["sewage"] = CabinType.Sewage,
        ["heat"] = CabinType.Heat,
    };

    /// <summary>Loads and validates <paramref name="file"/>.</summary>
    /// <exception cref="AssetRegistryException">With every error found, in file order.</exception>
    public static IReadOnlyList<InterlockRule> Load(string file, CommandCatalog catalog)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AssetRegistryException([ex is FileNotFoundException or DirectoryNotFoundException ? $"{FileName}: file not found ({file})" : $"{FileName}: cannot be read: {ex.Message}"]);
        }

        return Parse(text, catalog);
    }

    /// <summary>Parses and validates the text of an interlock file.</summary>
    /// <exception cref="AssetRegistryException">With every error found, in file order.</exception>
    public static IReadOnlyList<InterlockRule> Parse(string text, CommandCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(catalog);
        var errors = new List<string>();
        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new AssetRegistryException([$"{FileName}: line {ex.Start.Line}, column {ex.Start.Column}: YAML syntax error: {ex.Message}"]);
        }

        var result = new List<InterlockRule>();
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new AssetRegistryException([$"{FileName}: (root): expected a mapping with key 'interlocks'"]);
        }

        void Error(string path, string reason, YamlNode at) => errors.Add($"{FileName}: {path}: {reason} (line {at.Start.Line})");

        foreach (var key in root.Children.Keys)
        {
            if (Scalar(key) != "interlocks")
            {
                Error(Scalar(key) ?? "?", $"unknown key '{Scalar(key)}'; allowed: interlocks", key);
            }
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("interlocks"), out var listNode) || listNode is not YamlSequenceNode list)
        {
            errors.Add($"{FileName}: interlocks: missing or not a list (line {root.Start.Line})");
            throw new AssetRegistryException(errors);
        }

        var rulesById = catalog.Registry.Rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < list.Children.Count; i++)
        {
            var path = $"interlocks[{i}]";
            if (list.Children[i] is not YamlMappingNode item)
            {
                Error(path, "expected a mapping {id, when, scope, then, on_clear}", list.Children[i]);
                continue;
            }

            var ok = CheckKeys(item, path, ItemKeys, ItemRequired, Error);
            var id = Scalar(Get(item, "id"));
            if (Get(item, "id") is { } idNode)
            {
                if (string.IsNullOrWhiteSpace(id))
                {
                    Error($"{path}.id", "must be a non-empty text", idNode);
                    ok = false;
                }
                else if (seen.TryGetValue(id, out var firstLine))
                {
                    Error($"{path}.id", string.Create(CultureInfo.InvariantCulture, $"duplicate id '{id}' (first at line {firstLine})"), idNode);
                    ok = false;
                }
                else
                {
                    seen[id] = idNode.Start.Line;
                }
            }

            // when: {rule: id | [ids], cabin_types: [..]}
            var rules = new List<string>();
            var cabins = new List<CabinType>();
            if (Get(item, "when") is { } whenNode)
            {
                if (whenNode is not YamlMappingNode when)
                {
                    Error($"{path}.when", "expected a mapping {rule, cabin_types}", whenNode);
                    ok = false;
                }
                else
                {
                    ok &= CheckKeys(when, $"{path}.when", WhenKeys, ["rule"], Error);
                    foreach (var (node, text2) in ScalarOrList(Get(when, "rule")))
                    {
                        if (text2 is null || !rulesById.ContainsKey(text2))
                        {
                            Error($"{path}.when.rule", $"unknown rule '{text2}' (not in rules.yaml)", node);
                            ok = false;
                        }
                        else
                        {
                            rules.Add(text2);
                        }
                    }

                    foreach (var (node, text2) in ScalarOrList(Get(when, "cabin_types")))
                    {
                        if (text2 is not null && CabinTypes.TryGetValue(text2, out var cabin))
                        {
                            cabins.Add(cabin);
                        }
                        else
                        {
                            Error($"{path}.when.cabin_types", $"unknown cabin type '{text2}'; allowed: {string.Join(", ", CabinTypes.Keys)}", node);
                            ok = false;
                        }
                    }
                }
            }

            var scope = InterlockScope.Zone;
            if (Get(item, "scope") is { } scopeNode && !Scopes.TryGetValue(Scalar(scopeNode) ?? string.Empty, out scope))
            {
                Error($"{path}.scope", $"unknown scope '{Scalar(scopeNode)}'; allowed: {string.Join(", ", Scopes.Keys)}", scopeNode);
                ok = false;
            }

            var onClear = InterlockClear.None;
            if (Get(item, "on_clear") is { } clearNode && !Clears.TryGetValue(Scalar(clearNode) ?? string.Empty, out onClear))
            {
                Error($"{path}.on_clear", $"unknown on_clear '{Scalar(clearNode)}'; allowed: {string.Join(", ", Clears.Keys)}", clearNode);
                ok = false;
            }

            var actions = new List<InterlockAction>();
            if (Get(item, "then") is { } thenNode)
            {
                if (thenNode is not YamlSequenceNode then || then.Children.Count == 0)
                {
                    Error($"{path}.then", "must list at least one command {channel, value}", thenNode);
                    ok = false;
                }
                else
                {
                    for (var j = 0; j < then.Children.Count; j++)
                    {
                        var actionPath = $"{path}.then[{j}]";
                        if (then.Children[j] is not YamlMappingNode action)
                        {
                            Error(actionPath, "expected a mapping {channel, value}", then.Children[j]);
                            ok = false;
                            continue;
                        }

                        if (!CheckKeys(action, actionPath, ActionKeys, ActionKeys, Error))
                        {
                            ok = false;
                            continue;
                        }

                        var channelNode = Get(action, "channel")!;
                        var channel = Scalar(channelNode) ?? string.Empty;
                        var targets = catalog.Registry.Devices
                            .Where(d => rules.Any(r => rulesById[r].AppliesTo(d)))
                            .Select(d => catalog.TryGetTarget(d, channel, out var t) ? t : null)
                            .FirstOrDefault(t => t is not null);
                        if (!catalog.IsKnownCommand(channel))
                        {
                            Error($"{actionPath}.channel", $"'{channel}' is not a writable command output of any device model in modbus.yaml", channelNode);
                            ok = false;
                            continue;
                        }

                        var valueNode = Get(action, "value")!;
                        var valueText = Scalar(valueNode);
                        var isBool = valueText is "true" or "false";
                        var isNumber = double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number);
                        if (!isBool && !isNumber)
                        {
                            Error($"{actionPath}.value", $"expected true, false or a number, got '{valueText}'", valueNode);
                            ok = false;
                            continue;
                        }

                        if (targets is not null && targets.IsBoolean != isBool)
                        {
                            Error($"{actionPath}.value", targets.IsBoolean ? $"{channel} is a run/stop output: value must be true or false, got '{valueText}'" : $"{channel} takes a number, got '{valueText}'", valueNode);
                            ok = false;
                            continue;
                        }

                        if (onClear == InterlockClear.Revert && !isBool)
                        {
                            Error($"{actionPath}.value", $"on_clear: revert reverses run/stop outputs only; {channel} = {valueText} cannot be reversed", valueNode);
                            ok = false;
                            continue;
                        }

                        actions.Add(new InterlockAction(channel, isBool ? (valueText == "true" ? 1 : 0) : number, isBool));
                    }
                }
            }

            if (ok && id is not null)
            {
                result.Add(new InterlockRule
                {
                    Id = id,
                    Rules = rules,
                    CabinTypes = cabins,
                    Scope = scope,
                    Then = actions,
                    OnClear = onClear,
                    Description = Scalar(Get(item, "description")) ?? string.Empty,
                    Basis = Scalar(Get(item, "basis")) ?? string.Empty,
                });
            }
        }

        if (errors.Count > 0)
        {
            throw new AssetRegistryException(errors);
        }

        return result;
    }

    private static bool CheckKeys(YamlMappingNode map, string path, string[] allowed, string[] required, Action<string, string, YamlNode> error)
    {
        var ok = true;
        foreach (var key in map.Children.Keys)
        {
            var name = Scalar(key);
            if (name is null || !allowed.Contains(name, StringComparer.Ordinal))
            {
                error($"{path}.{name}", $"unknown key '{name}'; allowed: {string.Join(", ", allowed)}", key);
                ok = false;
            }
        }

        foreach (var name in required)
        {
            if (Get(map, name) is null)
            {
                error(path, $"missing required key '{name}'", map);
                ok = false;
            }
        }

        return ok;
    }

    private static YamlNode? Get(YamlMappingNode? map, string key) =>
        map is not null && map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static string? Scalar(YamlNode? node) => node is YamlScalarNode scalar ? scalar.Value : null;

    private static IEnumerable<(YamlNode Node, string? Text)> ScalarOrList(YamlNode? node) => node switch
    {
        null => [],
        YamlSequenceNode list => list.Children.Select(c => (c, Scalar(c))),
        _ => [(node, Scalar(node))],
    };
}
