using Microsoft.Extensions.DependencyInjection;
using Lifeline.Influx.Retention;
using Lifeline.Storage.Retention;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>The server sets up InfluxDB's retention and downsampling at start-up (real influxd 1.6.7).</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task ServerStart_CreatesRetentionPoliciesAndTheContinuousQuery_AndARestartChangesNothing()
    {
        await using var influx = await InfluxDbServer.StartAsync();
        var args = StorageFaultTests.InfluxArgs(influx);
        string? cqName;
        await using (var host = await LifelineServerHost.StartEmbeddedAsync(args))
        {
            var service = host.App.Services.GetRequiredService<RetentionSetupService>();
            await IngestionTests.WaitUntilAsync(() => service.Last is not null, "the retention set-up");

            service.Last!.Status.ShouldBe(RetentionSetupStatus.Applied, service.Last.Message);
            var policies = await PoliciesAsync(influx);
            policies.ShouldContain(("autogen", "720h0m0s", true));
            policies.ShouldContain(("agg_2y", "17520h0m0s", false));
            var queries = await ContinuousQueryNamesAsync(influx);
            queries.Count.ShouldBe(1);
            cqName = queries[0];
            cqName.ShouldStartWith(DownsamplingPlan.ContinuousQueryPrefix);
            RetentionSetupService.Measurements(host.Registry).ShouldBe(["gas", "sewage", "tunnel_env", "tunnel_equipment", "unregistered"]);
        }

        await using (var again = await LifelineServerHost.StartEmbeddedAsync(args))
        {
            var service = again.App.Services.GetRequiredService<RetentionSetupService>();
            await IngestionTests.WaitUntilAsync(() => service.Last is not null, "the retention set-up after a restart");

            service.Last!.Status.ShouldBe(RetentionSetupStatus.Unchanged, service.Last.Message);
            (await ContinuousQueryNamesAsync(influx)).ShouldBe([cqName]);
        }
    }

    [Fact]
    public async Task ServerStart_WithoutAdminRights_WarnsAndKeepsServing()
    {
        await using var influx = await InfluxDbServer.StartAsync(authEnabled: true);
        await influx.CreateDatabaseAsync("lifeline");
        await influx.ExecuteAsync("CREATE USER \"writer\" WITH PASSWORD 'writer-secret'");
        await influx.ExecuteAsync("GRANT ALL ON \"lifeline\" TO \"writer\"");
        await using var host = await LifelineServerHost.StartEmbeddedAsync([.. StorageFaultTests.InfluxArgs(influx), "--Influx:Username=writer", "--Influx:Password=writer-secret"]);
        var service = host.App.Services.GetRequiredService<RetentionSetupService>();

        await IngestionTests.WaitUntilAsync(() => service.Last is not null, "the retention set-up");

        service.Last!.Status.ShouldBe(RetentionSetupStatus.NoRights);
        service.Last.Message.ShouldContain("user 'writer' may not run 'ALTER RETENTION POLICY");
        service.Last.Message.ShouldContain("an administrator can run:");
        using var health = await host.Http.GetAsync("/health");
        ((int)health.StatusCode).ShouldBeLessThan(500);
        (await PoliciesAsync(influx)).Select(p => p.Name).ShouldBe(["autogen"]);
    }

    private static async Task<List<(string Name, string Duration, bool Default)>> PoliciesAsync(InfluxDbServer influx)
    {
        using var document = await influx.ExecuteAsync("SHOW RETENTION POLICIES ON \"lifeline\"");
        return document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values").EnumerateArray()
            .Select(r => (r[0].GetString()!, r[1].GetString()!, r[4].GetBoolean())).ToList();
    }

    private static async Task<List<string>> ContinuousQueryNamesAsync(InfluxDbServer influx)
    {
        using var document = await influx.ExecuteAsync("SHOW CONTINUOUS QUERIES");
        return document.RootElement.GetProperty("results")[0].GetProperty("series").EnumerateArray()
            .Where(s => s.GetProperty("name").GetString() == "lifeline" && s.TryGetProperty("values", out _))
            .SelectMany(s => s.GetProperty("values").EnumerateArray().Select(r => r[0].GetString()!))
            .ToList();
    }
}
