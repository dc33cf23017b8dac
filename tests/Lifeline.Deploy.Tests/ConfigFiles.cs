using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Deploy.Tests;

/// <summary>Checks that a mounted configuration file parses as what its name says it is.</summary>
internal static partial class ConfigFiles
{
    public static void CheckParses(string file)
    {
        var name = Path.GetFileName(file);
        var text = File.ReadAllText(file);
        switch (Path.GetExtension(file).ToLowerInvariant())
        {
            case ".yml" or ".yaml":
                try
                {
                    var stream = new YamlStream();
                    stream.Load(new StringReader(text));
                    stream.Documents.Count.ShouldBeGreaterThan(0, $"{file} is empty");
                    stream.Documents[0].RootNode.ShouldBeOfType<YamlMappingNode>($"{file} is not a YAML mapping");
                }
                catch (YamlException e)
                {
                    throw new ShouldAssertException($"{file}: not valid YAML: {e.Message}");
                }

                break;
            case ".json":
                try
                {
                    using var document = JsonDocument.Parse(text);
                    document.RootElement.ValueKind.ShouldBe(JsonValueKind.Object, $"{file} is not a JSON object");
                }
                catch (JsonException e)
                {
                    throw new ShouldAssertException($"{file}: not valid JSON: {e.Message}");
                }

                break;
            case ".conf":
                CheckMosquittoConf(file, text);
                break;
            case ".sh":
                text.ShouldStartWith("#!/bin/", Case.Sensitive, $"{file} has no interpreter line");
                var shell = text[2..text.IndexOf('\n', StringComparison.Ordinal)].Trim();
                var (exitCode, output) = DeployFiles.RunAsync(shell, ["-n", file]).GetAwaiter().GetResult();
                exitCode.ShouldBe(0, $"{file}: {shell} -n: {output}");
                break;
            case ".md" or ".txt":
                break;
            default:
                throw new ShouldAssertException($"{file}: mounted, but of a kind this test cannot check ({name})");
        }
    }

    /// <summary>Mosquitto reads one option per line: a lower-case name and its value; a bad line stops the broker.</summary>
    private static void CheckMosquittoConf(string file, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            OptionLine().IsMatch(line).ShouldBeTrue($"{file}:{i + 1}: '{line}' is not '<option> <value>'");
        }
    }

    [GeneratedRegex(@"^[a-z_]+ \S.*$")]
    private static partial Regex OptionLine();
}
