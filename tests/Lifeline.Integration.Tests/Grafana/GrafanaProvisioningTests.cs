using System.Text.Json;
using System.Text.RegularExpressions;
using Lifeline.Testing;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Integration.Tests.Grafana;

/// <summary>The provisioning files parse and say what the deployment needs; every dashboard uses the provisioned data source.</summary>
public sealed partial class GrafanaProvisioningTests
{
    private static string Provisioning => Path.Combine(RepositoryPaths.Root, "grafana", "provisioning");

    [Fact]
    public void DatasourceYaml_IsInfluxQlFromTheEnvironment()
    {
        var datasource = OnlyItem(Load(Path.Combine(Provisioning, "datasources", "lifeline.yaml")), "datasources");

        Text(datasource, "type").ShouldBe("influxdb");
        Text(datasource, "uid").ShouldBe(ProvisionedUid());
        Text(datasource, "url").ShouldBe("${INFLUX_URL}");
        var json = (YamlMappingNode)datasource["jsonData"];
        Text(json, "version").ShouldBe("InfluxQL");
        Text(json, "dbName").ShouldBe("${INFLUX_BUCKET}");
        Text(json, "httpHeaderName1").ShouldBe("Authorization");
        Text((YamlMappingNode)datasource["secureJsonData"], "httpHeaderValue1").ShouldBe("Token ${INFLUX_TOKEN}");
    }

    [Fact]
    public void DashboardProviderYaml_LoadsTheMountedFolder()
    {
        var provider = OnlyItem(Load(Path.Combine(Provisioning, "dashboards", "lifeline.yaml")), "providers");

        Text(provider, "type").ShouldBe("file");
        Text((YamlMappingNode)provider["options"], "path").ShouldBe("/var/lib/grafana/dashboards");
    }

    [Fact]
    public void EveryDashboard_UsesTheProvisionedDatasourceAndDefinesWhatItUses()
    {
        var uid = ProvisionedUid();
        var dashboards = GrafanaDashboard.LoadAll();

        dashboards.Select(d => d.Root.GetProperty("uid").GetString()).ShouldBeUnique();
        foreach (var dashboard in dashboards)
        {
            dashboard.Root.GetProperty("schemaVersion").GetInt32().ShouldBeGreaterThanOrEqualTo(39, dashboard.File);
            dashboard.Queries.ShouldNotBeEmpty(dashboard.File);
            var references = dashboard.DatasourceReferences().ToList();
            references.ShouldNotBeEmpty(dashboard.File);
            foreach (var (path, datasource) in references)
            {
                datasource.ValueKind.ShouldBe(JsonValueKind.Object, $"{dashboard.File} {path}: reference the data source by uid");
                var refUid = datasource.GetProperty("uid").GetString();
                if (refUid == "-- Grafana --")
                {
                    continue; // Grafana's built-in annotations
                }

                refUid.ShouldBe(uid, $"{dashboard.File} {path}");
                datasource.GetProperty("type").GetString().ShouldBe("influxdb", $"{dashboard.File} {path}");
            }

            var defined = dashboard.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var text in dashboard.Queries.Select(q => q.Text).Concat(dashboard.Variables.Select(v => v.Query)))
            {
                foreach (Match m in Variable().Matches(text))
                {
                    var name = m.Groups[1].Value;
                    (name is "timeFilter" or "interval" || name.StartsWith("__", StringComparison.Ordinal) || defined.Contains(name))
                        .ShouldBeTrue($"{dashboard.File}: ${name} is not a variable of the dashboard: {text}");
                }
            }
        }
    }

    private static string ProvisionedUid() =>
        Text(OnlyItem(Load(Path.Combine(Provisioning, "datasources", "lifeline.yaml")), "datasources"), "uid");

    private static YamlMappingNode Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            stream.Load(reader);
        }

        stream.Documents.Count.ShouldBe(1, path);
        var root = stream.Documents[0].RootNode.ShouldBeOfType<YamlMappingNode>();
        Text(root, "apiVersion").ShouldBe("1");
        return root;
    }

    private static YamlMappingNode OnlyItem(YamlMappingNode root, string key)
    {
        var items = root[key].ShouldBeOfType<YamlSequenceNode>();
        items.Children.Count.ShouldBe(1);
        return items.Children[0].ShouldBeOfType<YamlMappingNode>();
    }

    private static string Text(YamlMappingNode node, string key) => node[key].ShouldBeOfType<YamlScalarNode>().Value!;

    [GeneratedRegex(@"\$\{?(\w+)")]
    private static partial Regex Variable();
}
