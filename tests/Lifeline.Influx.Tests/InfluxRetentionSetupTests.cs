using System.Globalization;
using System.Text;
using System.Text.Json;
using Lifeline.Influx.Retention;
using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>Retention policies and the downsampling continuous query, against a real influxd 1.6.7.</summary>
public sealed class InfluxRetentionSetupTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    private static readonly string[] Measurements = ["gas", "sewage", "tunnel_env", "tunnel_equipment", "unregistered"];

    [Fact]
    public async Task Apply_CreatesTheRetentionPoliciesAndTheContinuousQuery_KeepingRawAsTheDefault()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        var options = influx.V1(database);
        using var setup = new InfluxRetentionSetup(options);
        var plan = new DownsamplingPlan(options, Measurements);

        // Act
        var result = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert
        result.Status.ShouldBe(RetentionSetupStatus.Applied);
        result.Changes.ShouldBe([
            $"retention policy 'autogen' (raw) on '{database}': INF → 30d",
            $"created retention policy 'agg_2y' (730d) on '{database}'",
            $"created continuous query '{plan.ContinuousQueryName("autogen")}' (1m aggregates of 'autogen' into 'agg_2y')",
        ]);
        var policies = await PoliciesAsync(database);
        policies.ShouldBe([("agg_2y", "17520h0m0s", "168h0m0s", false), ("autogen", "720h0m0s", "24h0m0s", true)], ignoreOrder: true);
        var queries = await ContinuousQueriesAsync(database);
        queries.Keys.ShouldBe([plan.ContinuousQueryName("autogen")]);
        var text = queries.Values.Single();
        text.ShouldContain("RESAMPLE EVERY 1m FOR 10m");
        text.ShouldContain($"INTO {database}.agg_2y.:MEASUREMENT");
        text.ShouldContain("GROUP BY time(1m), *");
    }

    [Fact]
    public async Task Apply_Twice_ChangesNothingTheSecondTime()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        using var setup = new InfluxRetentionSetup(influx.V1(database));
        await setup.ApplyAsync(Measurements, cts.Token);
        var policiesBefore = await PoliciesAsync(database);
        var queriesBefore = await ContinuousQueriesAsync(database);

        // Act
        var second = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert
        second.Status.ShouldBe(RetentionSetupStatus.Unchanged);
        second.Changes.ShouldBeEmpty();
        second.Message.ShouldContain($"retention already as configured on '{database}'");
        (await PoliciesAsync(database)).ShouldBe(policiesBefore, ignoreOrder: true);
        (await ContinuousQueriesAsync(database)).ShouldBe(queriesBefore);
    }

    [Fact]
    public async Task Apply_WithChangedConfiguration_AltersThePoliciesAndReplacesTheContinuousQuery()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        using (var first = new InfluxRetentionSetup(influx.V1(database)))
        {
            await first.ApplyAsync(Measurements, cts.Token);
        }

        var changed = influx.V1(database);
        changed.Retention.Raw = "14d";
        changed.Retention.Aggregates = "365d";
        changed.Downsampling.Interval = "5m";
        var newPlan = new DownsamplingPlan(changed, Measurements);
        var oldName = new DownsamplingPlan(influx.V1(database), Measurements).ContinuousQueryName("autogen");
        using var setup = new InfluxRetentionSetup(changed);

        // Act
        var result = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert
        result.Status.ShouldBe(RetentionSetupStatus.Applied);
        result.Changes.ShouldBe([
            $"retention policy 'autogen' (raw) on '{database}': 30d → 14d",
            $"retention policy 'agg_2y' on '{database}': 730d → 365d",
            $"dropped continuous query '{oldName}' (no longer configured)",
            $"created continuous query '{newPlan.ContinuousQueryName("autogen")}' (5m aggregates of 'autogen' into 'agg_2y')",
        ]);
        (await PoliciesAsync(database)).ShouldBe([("agg_2y", "8760h0m0s", "168h0m0s", false), ("autogen", "336h0m0s", "24h0m0s", true)], ignoreOrder: true);
        (await ContinuousQueriesAsync(database)).Keys.ShouldBe([newPlan.ContinuousQueryName("autogen")]);
    }

    [Fact]
    public async Task Apply_DownsamplingDisabled_DropsTheContinuousQuery_KeepsTheAggregates()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        using (var first = new InfluxRetentionSetup(influx.V1(database)))
        {
            await first.ApplyAsync(Measurements, cts.Token);
        }

        var off = influx.V1(database);
        off.Downsampling.Enabled = false;
        using var setup = new InfluxRetentionSetup(off);

        // Act
        var result = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert
        result.Status.ShouldBe(RetentionSetupStatus.Applied);
        result.Changes.Count.ShouldBe(1);
        result.Changes[0].ShouldStartWith($"dropped continuous query '{DownsamplingPlan.ContinuousQueryPrefix}");
        (await ContinuousQueriesAsync(database)).ShouldBeEmpty();
        (await PoliciesAsync(database)).Select(p => p.Name).ShouldContain("agg_2y");
    }

    [Fact]
    public async Task Apply_WithANamedRetentionPolicy_SetsThatOne_AndAggregatesFromIt()
    {
        // Arrange: readings are written to "raw" (Influx:RetentionPolicy), which is not the database's default.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        await influx.Server.ExecuteAsync($"CREATE RETENTION POLICY \"raw\" ON \"{database}\" DURATION 7d REPLICATION 1");
        var options = influx.V1(database);
        options.RetentionPolicy = "raw";
        using var setup = new InfluxRetentionSetup(options);

        // Act
        var result = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert
        result.Status.ShouldBe(RetentionSetupStatus.Applied);
        result.Changes[0].ShouldBe($"retention policy 'raw' (raw) on '{database}': 7d → 30d");
        (await PoliciesAsync(database)).ShouldContain(("autogen", "0s", "168h0m0s", true));
        (await PoliciesAsync(database)).ShouldContain(("raw", "720h0m0s", "24h0m0s", false));
        (await ContinuousQueriesAsync(database)).Values.Single().ShouldContain($"FROM {database}.raw./^(gas|sewage|tunnel_env|tunnel_equipment|unregistered)$/");
    }

    [Fact]
    public async Task Apply_MissingDatabase_IsCreatedFirst()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = InfluxFixture.NewName();
        using var setup = new InfluxRetentionSetup(influx.V1(database));

        var result = await setup.ApplyAsync(Measurements, cts.Token);

        result.Status.ShouldBe(RetentionSetupStatus.Applied);
        result.Changes[0].ShouldBe($"created database '{database}'");
        (await PoliciesAsync(database)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task SelectInto_ForAPastWindow_WritesOneMinuteAggregatesIntoTheAggregatePolicy_RawStaysTheDefault()
    {
        // Arrange: two devices' readings over three minutes, an hour ago (inside the 30 d raw retention).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        var options = influx.V1(database);
        using var setup = new InfluxRetentionSetup(options);
        (await setup.ApplyAsync(Measurements, cts.Token)).Status.ShouldBe(RetentionSetupStatus.Applied);
        var now = TimeProvider.System.GetUtcNow();
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddHours(-1);
        var lines = new StringBuilder();
        double[][] minutes = [[20.0, 20.5, 21.0], [19.0, 18.0], [17.5]];
        for (var m = 0; m < minutes.Length; m++)
        {
            for (var i = 0; i < minutes[m].Length; i++)
            {
                var t = start.AddMinutes(m).AddSeconds(10 * i);
                lines.Append(CultureInfo.InvariantCulture, $"tunnel_env,site=s1,zone=z1,device=zc-1,channel=o2,type=o2 value={minutes[m][i]},quality=\"good\" {Ns(t)}\n");
                lines.Append(CultureInfo.InvariantCulture, $"tunnel_env,site=s1,zone=z2,device=zc-2,channel=o2,type=o2 value={minutes[m][i] + 1},quality=\"good\" {Ns(t)}\n");
            }
        }

        lines.Append(CultureInfo.InvariantCulture, $"gas,site=g1,station=rs1,device=pt-1,channel=p_out,type=pressure value=0.3 {Ns(start.AddSeconds(5))}\n");
        lines.Append(CultureInfo.InvariantCulture, $"gas,site=g1,station=rs1,device=pt-1,channel=p_out,type=pressure value=0.5 {Ns(start.AddSeconds(35))}\n");
        await influx.Server.WriteLineProtocolAsync(database, lines.ToString());
        var plan = new DownsamplingPlan(options, Measurements);
        var window = $"time >= '{start.AddMinutes(-1):yyyy-MM-ddTHH:mm:ssZ}' AND time < '{start.AddMinutes(5):yyyy-MM-ddTHH:mm:ssZ}'";

        // Act: what the continuous query does each minute, once, by hand (influxd here runs no continuous queries).
        await influx.Server.ExecuteAsync(plan.SelectInto("autogen", window), database);

        // Assert
        var zc1 = await AggregatesAsync(database, "tunnel_env", "zc-1");
        zc1.ShouldBe([
            (start, 20.5, 20.0, 21.0, 3L),
            (start.AddMinutes(1), 18.5, 18.0, 19.0, 2L),
            (start.AddMinutes(2), 17.5, 17.5, 17.5, 1L),
        ]);
        var zc2 = await AggregatesAsync(database, "tunnel_env", "zc-2");
        zc2.Select(a => a.Mean).ShouldBe([21.5, 19.5, 18.5]);
        var gas = await AggregatesAsync(database, "gas", "pt-1");
        gas.Single().ShouldBe((start, 0.4, 0.3, 0.5, 2L));

        // Tags are kept, and a query naming no retention policy still reads the raw points.
        using var tags = await influx.Server.QueryAsync(database, "SHOW TAG KEYS FROM \"agg_2y\".\"tunnel_env\"");
        tags.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").EnumerateArray().Select(v => v[0].GetString())
            .ShouldBe(["channel", "device", "site", "type", "zone"], ignoreOrder: true);
        (await influx.Server.CountAsync(database, "tunnel_env")).ShouldBe(12);
        (await influx.Server.CountAsync(database, "tunnel_env", retentionPolicy: "agg_2y")).ShouldBe(6);
    }

    [Fact]
    public async Task Apply_UserWithoutAdminRights_IsNoRights_NamingWhatAnAdministratorMustRun()
    {
        // Arrange: a user with every right on the database but not an administrator.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        await server.CreateDatabaseAsync("lifeline");
        await server.ExecuteAsync("CREATE USER \"writer\" WITH PASSWORD 'w'");
        await server.ExecuteAsync("GRANT ALL ON \"lifeline\" TO \"writer\"");
        var options = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Username = "writer", Password = "w" };
        using var setup = new InfluxRetentionSetup(options);

        // Act
        var result = await setup.ApplyAsync(Measurements, cts.Token);

        // Assert: a clear refusal, nothing changed, and the statements to run.
        result.Status.ShouldBe(RetentionSetupStatus.NoRights);
        result.Message.ShouldContain("user 'writer' may not run 'ALTER RETENTION POLICY \"autogen\" ON \"lifeline\" DURATION 30d SHARD DURATION 1d'");
        result.Message.ShouldContain("requires admin privilege");
        result.Message.ShouldContain("an administrator can run: ALTER RETENTION POLICY \"autogen\" ON \"lifeline\" DURATION 30d SHARD DURATION 1d; CREATE RETENTION POLICY \"agg_2y\"");
        result.Message.ShouldContain("CREATE CONTINUOUS QUERY \"lifeline_downsample_");
        using var policies = await server.ExecuteAsync("SHOW RETENTION POLICIES ON \"lifeline\"");
        policies.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").GetArrayLength().ShouldBe(1);
    }

    private static long Ns(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    private async Task<List<(string Name, string Duration, string Shard, bool Default)>> PoliciesAsync(string database)
    {
        using var document = await influx.Server.ExecuteAsync($"SHOW RETENTION POLICIES ON \"{database}\"");
        return document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").EnumerateArray()
            .Select(r => (r[0].GetString()!, r[1].GetString()!, r[2].GetString()!, r[4].GetBoolean())).ToList();
    }

    private async Task<Dictionary<string, string>> ContinuousQueriesAsync(string database)
    {
        using var document = await influx.Server.ExecuteAsync("SHOW CONTINUOUS QUERIES");
        var result = new Dictionary<string, string>();
        foreach (var series in document.RootElement.GetProperty("results")[0].GetProperty("series").EnumerateArray())
        {
            if (series.GetProperty("name").GetString() == database && series.TryGetProperty("values", out var values))
            {
                foreach (var row in values.EnumerateArray())
                {
                    result[row[0].GetString()!] = row[1].GetString()!;
                }
            }
        }

        return result;
    }

    private async Task<List<(DateTimeOffset Time, double Mean, double Min, double Max, long Count)>> AggregatesAsync(string database, string measurement, string device)
    {
        using var document = await influx.Server.QueryAsync(database, $"SELECT \"value\", \"min\", \"max\", \"count\" FROM \"agg_2y\".\"{measurement}\" WHERE \"device\" = '{device}'");
        var result = document.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return [];
        }

        return series[0].GetProperty("values").EnumerateArray()
            .Select(r => (DateTimeOffset.UnixEpoch.AddTicks(r[0].GetInt64() / 100), Math.Round(r[1].GetDouble(), 9), r[2].GetDouble(), r[3].GetDouble(), r[4].GetInt64()))
            .ToList();
    }
}
