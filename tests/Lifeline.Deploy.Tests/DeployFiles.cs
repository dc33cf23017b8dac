using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Lifeline.Testing;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Deploy.Tests;

/// <summary>The deployment files of the repository, and the tools the tests run on them.</summary>
internal static partial class DeployFiles
{
    public static string Root => RepositoryPaths.Root;

    public static string ComposePath => Path.Combine(Root, "docker-compose.yml");

    public static string EnvExamplePath => Path.Combine(Root, ".env.example");

    /// <summary>The compose file as a YAML tree.</summary>
    public static YamlMappingNode Compose()
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(ComposePath));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    /// <summary>The services of the compose file, by name.</summary>
    public static IReadOnlyDictionary<string, YamlMappingNode> Services() =>
        ((YamlMappingNode)Compose()["services"]).Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => (YamlMappingNode)c.Value);

    /// <summary>Every <c>${NAME…}</c> the compose file interpolates, with whether it is required (<c>${NAME:?message}</c>).</summary>
    public static IReadOnlyDictionary<string, bool> Variables()
    {
        var result = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (Match m in Interpolation().Matches(File.ReadAllText(ComposePath)))
        {
            var name = m.Groups["name"].Value;
            var required = m.Groups["op"].Value is ":?" or "?";
            result[name] = result.GetValueOrDefault(name) || required;
        }

        return result;
    }

    /// <summary>The <c>NAME=value</c> lines of .env.example.</summary>
    public static IReadOnlyDictionary<string, string> EnvExample() =>
        File.ReadAllLines(EnvExamplePath)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);

    public static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    public static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>Runs a program to its end (at most two minutes); its exit code and what it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string program, IEnumerable<string> arguments, string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Root,
        };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed ({e.Message}); tests/run.sh installs it", e);
        }

        using (process)
        {
            var output = new StringBuilder();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(cts.Token);
            output.Append(await stdout).Append(await stderr);
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>
    /// <c>docker-compose config -q</c> (Debian's docker-compose 1.29, which checks the file against the Compose
    /// Specification schema it ships and resolves every interpolation) with <paramref name="envFile"/> as the only
    /// source of variables.
    /// </summary>
    public static Task<(int ExitCode, string Output)> ComposeConfigAsync(string envFile, params string[] extra)
    {
        // Variables of the test process must not fill in what the env file leaves out.
        var environment = Variables().Keys.ToDictionary(k => k, _ => (string?)null);
        return RunAsync("docker-compose", ["--project-directory", Root, "-f", ComposePath, "--env-file", envFile, .. extra, "config", "-q"], Root, environment);
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?<op>:?[-?+])?[^}]*\}")]
    private static partial Regex Interpolation();
}
