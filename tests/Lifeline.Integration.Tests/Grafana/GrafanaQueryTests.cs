using System.Net.Http.Json;
using System.Text.Json;
using Lifeline.Server.SelfMonitoring;
using Lifeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lifeline.Integration.Tests.Grafana;

/// <summary>
/// Every query of every dashboard — panel targets, template variables, annotations — against a real InfluxDB 1.6.7 fed by
/// the real server: the in-process simulator (tunnel zones, sewage plants, gas stations), an injected O₂ depletion
/// scenario, scripted out-of-limit readings, an operator's acknowledgement, and the platform's own figures.
/// </summary>
public sealed class GrafanaQueryTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task EveryDashboardQuery_ReturnsDataFromTheRealServer()
    {
        var dashboards = GrafanaDashboard.LoadAll();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var host = await LifelineServerHost.StartEmbeddedAsync([
            .. StorageFaultTests.InfluxArgs(influx),
            "--SelfMonitoring:Interval=00:00:01",
            "--SelfMonitoring:Instance=grafana-test",
            "--Simulator:Enabled=true",
            "--Modbus:Enabled=false",
            "--Simulator:ScenarioSet=none",
            "--Simulator:Scenarios:0=o2-depletion@yongchang-rd-trunk-gas-z003+1s~10m",
            "--Simulator:Devices:0=yongchang-rd-trunk-gas-z00",
            "--Simulator:Devices:1=yongchang-rd-trunk-power-z00",
            "--Simulator:Devices:2=yongchang-rd-trunk-sewage-z00",
            "--Simulator:Devices:3=wwtp",
            "--Simulator:Devices:4=gas-"]);
        await using (var publisher = await TestMqttPublisher.ConnectAsync(host.MqttPort))
        {
            // A gas leak at the city gate and an effluent COD over the 1A limit: alarms of the gas and sewage sites.
            host.Registry.TryGetDevice("gas-gate-rtu", out var gate).ShouldBeTrue();
            host.Registry.TryGetDevice("wwtp1-effluent-ana", out var effluent).ShouldBeTrue();
            await publisher.PublishAsync(gate!, "lel", 60.0);
            await publisher.PublishAsync(effluent!, "cod", 80.0);
        }

        using var checker = new InfluxQlChecker(influx.Url, "lifeline", token: string.Empty);
        var started = TimeProvider.System.GetTimestamp();
        var acknowledged = false;
        List<string> failures;
        while (true)
        {
            acknowledged = acknowledged || await AcknowledgeOneAsync(host);
            failures = [];
            foreach (var dashboard in dashboards)
            {
                failures.AddRange(await checker.CheckAsync(dashboard));
            }

            if (failures.Count == 0 || TimeProvider.System.GetElapsedTime(started) > Deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
        }

        failures.ShouldBeEmpty($"{failures.Count} of {dashboards.Sum(d => d.Queries.Count + d.Variables.Count)} queries failed:\n" + string.Join('\n', failures));
        dashboards.Sum(d => d.Queries.Count).ShouldBeGreaterThan(40);

        // The platform's own figures came the whole way: the server's instance tag and a live reading rate.
        var platform = dashboards.Single(d => d.File == "platform-health.json");
        var values = await checker.VariableValuesAsync(platform);
        values["instance"].ShouldBe([host.App.Services.GetRequiredService<SelfMonitoringService>().Instance]);
        var (error, rows) = await checker.RunAsync("SELECT max(\"readings_per_s\"), max(\"points_per_s\") FROM \"lifeline_platform\" WHERE $timeFilter", values);
        error.ShouldBeNull();
        double.Parse(rows[0][1]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        double.Parse(rows[0][2]!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
    }

    /// <summary>The check itself fails a broken query: a syntax error, a query without data, an undefined variable.</summary>
    [Fact]
    public async Task Checker_BrokenQueries_AreReported()
    {
        await using var influx = await InfluxDbServer.StartAsync();
        await influx.CreateDatabaseAsync("lifeline");
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        await influx.WriteLineProtocolAsync("lifeline", $"tunnel_env,site=s1,zone=z1,type=o2 value=20.9 {now}", precision: "ms");
        using var checker = new InfluxQlChecker(influx.Url, "lifeline", token: string.Empty);
        var values = new Dictionary<string, IReadOnlyList<string>> { ["site"] = ["s1"] };

        (await checker.CheckQueryAsync("SELECT mean(\"value\") FROM \"tunnel_env\" WHERE \"site\" =~ /^$site$/ AND $timeFilter GROUP BY time($__interval)", values)).ShouldBeNull();
        (await checker.CheckQueryAsync("SELECT mean(\"value\" FROM \"tunnel_env\" WHERE $timeFilter", values)).ShouldNotBeNull().ShouldContain("error parsing query");
        (await checker.CheckQueryAsync("SELECT mean(\"value\") FROM \"tunnel_env\" WHERE \"type\" = 'no_such_type' AND $timeFilter", values)).ShouldBe("no data (no series with values)");
        (await checker.CheckQueryAsync("SELECT mean(\"value\") FROM \"tunnel_env\" WHERE \"zone\" =~ /^$zone$/ AND $timeFilter", values)).ShouldBe("unknown variable $zone");
        InfluxQlChecker.Substitute("\"site\" =~ /^$site$/ AND $timeFilter GROUP BY time($__interval)", new Dictionary<string, IReadOnlyList<string>> { ["site"] = ["a.b", "c"] })
            .ShouldBe("\"site\" =~ /^(a\\.b|c)$/ AND time > now() - 1h GROUP BY time(10s)");
    }

    private static async Task<bool> AcknowledgeOneAsync(LifelineServerHost host)
    {
        using var current = await host.Http.GetAsync("/api/alarms");
        if (!current.IsSuccessStatusCode)
        {
            return false;
        }

        using var snapshot = JsonDocument.Parse(await current.Content.ReadAsStringAsync());
        var alarm = snapshot.RootElement.GetProperty("alarms").EnumerateArray()
            .FirstOrDefault(a => a.GetProperty("state").GetString() == "Unacknowledged");
        if (alarm.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        using var response = await host.Http.PostAsJsonAsync($"/api/alarms/{alarm.GetProperty("id").GetString()}/ack", new { comment = "reviewed in Grafana test" });
        return response.IsSuccessStatusCode;
    }
}
