using System.Text.Json;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests.Grafana;

/// <summary>A template variable of a dashboard: its name and its InfluxQL query (SHOW TAG VALUES ...).</summary>
internal sealed record GrafanaVariable(string Name, string Query);

/// <summary>One InfluxQL query of a dashboard, and where it is (panel and target, or annotation).</summary>
internal sealed record GrafanaQuery(string Where, string Text);

/// <summary>A dashboard of <c>grafana/dashboards</c>, with its variables (in order) and every query of its panels and annotations.</summary>
internal sealed class GrafanaDashboard
{
    private GrafanaDashboard(string file, JsonElement root)
    {
        File = file;
        Root = root;
        Title = root.GetProperty("title").GetString() ?? file;
        Variables = [.. root.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Select(v => new GrafanaVariable(v.GetProperty("name").GetString()!, v.GetProperty("query").GetString()!))];
        var queries = new List<GrafanaQuery>();
        CollectPanels(root.GetProperty("panels"), queries);
        foreach (var annotation in root.GetProperty("annotations").GetProperty("list").EnumerateArray())
        {
            if (annotation.TryGetProperty("query", out var query))
            {
                queries.Add(new GrafanaQuery($"annotation '{annotation.GetProperty("name").GetString()}'", query.GetString()!));
            }
        }

        Queries = queries;
    }

    /// <summary>The folder of the dashboards in the repository.</summary>
    public static string Directory => Path.Combine(RepositoryPaths.Root, "grafana", "dashboards");

    public string File { get; }

    public JsonElement Root { get; }

    public string Title { get; }

    public IReadOnlyList<GrafanaVariable> Variables { get; }

    public IReadOnlyList<GrafanaQuery> Queries { get; }

    public static IReadOnlyList<GrafanaDashboard> LoadAll()
    {
        var files = System.IO.Directory.GetFiles(Directory, "*.json").Order(StringComparer.Ordinal).ToList();
        files.ShouldNotBeEmpty($"no dashboards in {Directory}");
        return [.. files.Select(f => new GrafanaDashboard(Path.GetFileName(f), JsonDocument.Parse(System.IO.File.ReadAllText(f)).RootElement))];
    }

    /// <summary>Every <c>datasource</c> object anywhere in the dashboard, with the path to it.</summary>
    public IEnumerable<(string Path, JsonElement Datasource)> DatasourceReferences() => Find(Root, "$");

    private static IEnumerable<(string Path, JsonElement Datasource)> Find(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "datasource")
                {
                    yield return ($"{path}.datasource", property.Value);
                }
                else
                {
                    foreach (var found in Find(property.Value, $"{path}.{property.Name}"))
                    {
                        yield return found;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in Find(item, $"{path}[{i++}]"))
                {
                    yield return found;
                }
            }
        }
    }

    private static void CollectPanels(JsonElement panels, List<GrafanaQuery> queries)
    {
        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.TryGetProperty("panels", out var nested))
            {
                CollectPanels(nested, queries);
            }

            if (!panel.TryGetProperty("targets", out var targets))
            {
                continue;
            }

            foreach (var target in targets.EnumerateArray())
            {
                var refId = target.TryGetProperty("refId", out var r) ? r.GetString() : "?";
                target.TryGetProperty("query", out var query).ShouldBeTrue($"panel '{panel.GetProperty("title").GetString()}' target {refId} has no raw InfluxQL query");
                queries.Add(new GrafanaQuery($"panel '{panel.GetProperty("title").GetString()}' target {refId}", query.GetString()!));
            }
        }
    }
}
