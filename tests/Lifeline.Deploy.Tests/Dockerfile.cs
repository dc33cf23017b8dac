using System.Text.Json;

namespace Lifeline.Deploy.Tests;

/// <summary>A Dockerfile read far enough to check it: its stages and, per stage, COPY sources, USER, HEALTHCHECK, VOLUME.</summary>
internal sealed class Dockerfile
{
    private static readonly string[] OtherInstructions = ["RUN", "WORKDIR", "ENV", "EXPOSE", "ENTRYPOINT", "CMD", "LABEL", "ARG", "SHELL", "STOPSIGNAL", "ONBUILD"];
    private readonly List<Stage> _stages = [];

    private Dockerfile(string path) => Path = path;

    public string Path { get; }

    public IReadOnlyList<string> Stages => _stages.Where(s => s.Name is not null).Select(s => s.Name!).ToList();

    public Stage Stage(string name) => _stages.Single(s => s.Name == name);

    public static Dockerfile Parse(string path)
    {
        var result = new Dockerfile(path);
        Stage? current = null;
        foreach (var (number, instruction) in Instructions(File.ReadAllLines(path)))
        {
            var space = instruction.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? instruction : instruction[..space]).ToUpperInvariant();
            var rest = space < 0 ? string.Empty : instruction[(space + 1)..].Trim();
            switch (keyword)
            {
                case "FROM":
                    var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    current = new Stage(words.Length >= 3 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[^1] : null);
                    result._stages.Add(current);
                    break;
                case "ARG" when current is null:
                    break;
                case "COPY" or "ADD":
                    current.ShouldNotBeNull($"{path}:{number}: {keyword} before FROM");
                    current.Copies.Add((number, Arguments(rest)));
                    break;
                case "USER":
                    current.ShouldNotBeNull($"{path}:{number}: USER before FROM").User = rest;
                    break;
                case "HEALTHCHECK":
                    current.ShouldNotBeNull($"{path}:{number}: HEALTHCHECK before FROM").Healthcheck = rest;
                    break;
                case "VOLUME":
                    current.ShouldNotBeNull($"{path}:{number}: VOLUME before FROM").Volumes.AddRange(Arguments(rest));
                    break;
                default:
                    current.ShouldNotBeNull($"{path}:{number}: {keyword} before FROM");
                    OtherInstructions.ShouldContain(keyword, $"{path}:{number}: unknown instruction {keyword}");
                    break;
            }
        }

        result._stages.ShouldNotBeEmpty($"{path} has no FROM");
        return result;
    }

    /// <summary>Every COPY from the build context names something that exists there and that .dockerignore lets through; every COPY --from names an earlier stage.</summary>
    public void CheckCopiesExist(string context)
    {
        var ignored = File.Exists(System.IO.Path.Combine(context, ".dockerignore"))
            ? File.ReadAllLines(System.IO.Path.Combine(context, ".dockerignore")).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList()
            : [];
        var earlier = new List<string>();
        foreach (var stage in _stages)
        {
            foreach (var (number, arguments) in stage.Copies)
            {
                var from = arguments.FirstOrDefault(a => a.StartsWith("--from=", StringComparison.Ordinal));
                var sources = arguments.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1).ToList();
                sources.ShouldNotBeEmpty($"{Path}:{number}: COPY without a source");
                if (from is not null)
                {
                    earlier.ShouldContain(from["--from=".Length..], $"{Path}:{number}: COPY {from} names no earlier stage");
                    continue;
                }

                foreach (var source in sources)
                {
                    var full = System.IO.Path.Combine(context, source);
                    (File.Exists(full) || Directory.Exists(full)).ShouldBeTrue($"{Path}:{number}: COPY {source}: not in the build context {context}");
                    var relative = source.TrimEnd('/');
                    ignored.ShouldNotContain(
                        pattern => pattern == relative || relative.StartsWith(pattern.TrimEnd('/') + "/", StringComparison.Ordinal),
                        $"{Path}:{number}: COPY {source}: excluded by .dockerignore");
                }
            }

            if (stage.Name is not null)
            {
                earlier.Add(stage.Name);
            }
        }
    }

    private static List<string> Arguments(string rest)
    {
        if (rest.StartsWith('['))
        {
            return JsonSerializer.Deserialize<List<string>>(rest) ?? [];
        }

        return rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>Instructions with their line numbers: comments dropped, continuation lines joined.</summary>
    private static IEnumerable<(int Number, string Text)> Instructions(string[] lines)
    {
        var buffer = string.Empty;
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith('#') || (line.Length == 0 && buffer.Length == 0))
            {
                continue;
            }

            if (buffer.Length == 0)
            {
                start = i + 1;
            }

            if (line.EndsWith('\\'))
            {
                buffer += line[..^1] + " ";
                continue;
            }

            buffer += line;
            if (buffer.Trim().Length > 0)
            {
                yield return (start, buffer.Trim());
            }

            buffer = string.Empty;
        }
    }
}

/// <summary>One stage of a Dockerfile.</summary>
internal sealed class Stage(string? name)
{
    public string? Name { get; } = name;

    public List<(int Number, List<string> Arguments)> Copies { get; } = [];

    public string? User { get; set; }

    public string? Healthcheck { get; set; }

    public List<string> Volumes { get; } = [];
}
