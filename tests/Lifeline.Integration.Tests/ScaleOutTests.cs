using System.Text.Json;
using Lifeline.Alarms;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Server.ScaleOut;
using Lifeline.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lifeline.Integration.Tests;

/// <summary>
/// Two instances: site partitions of MQTT ingestion (<c>Mqtt:Sites</c>) and the SignalR Redis backplane
/// (<c>Live:Redis</c>) against a real redis-server.
/// </summary>
public sealed class ScaleOutTests
{
    private static readonly Lazy<AssetRegistry> Seeds = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));

    [Fact]
    public async Task RedisBackplane_AlarmRaisedByIngestionOnInstanceA_ReachesConsoleOfInstanceB()
    {
        // Arrange: one broker and one Redis; A owns the controller's site, B ingests nothing and serves the console.
        await using var redis = await RedisServer.StartAsync();
        await using var broker = await MosquittoBroker.StartAsync();
        var live = $"--Live:Redis={redis.ConnectionString}";
        var controller = Seeds.Value.Devices
            .Where(d => d.Location.CabinType == CabinType.Gas && d.TryGetChannel("o2", out _))
            .OrderBy(d => d.Id, StringComparer.Ordinal)
            .First();
        await using var a = await LifelineServerHost.StartExternalAsync(broker, live, $"--Mqtt:Sites={controller.SiteId}");
        await using var b = await LifelineServerHost.StartExternalAsync(broker, live, "--Mqtt:Sites=none");
        await WaitForBackplaneAsync(a);
        await WaitForBackplaneAsync(b);
        var (hub, changes) = await b.ConnectHubAsync();
        await using var console = hub;

        // Act: the device reports to the broker; only A ingests it.
        await using var device = await TestMqttPublisher.ConnectAsync(broker.Port);
        await device.PublishAsync(controller, "o2", 17.0);

        // Assert: B's console gets A's AlarmChanged, with A's seq; B itself raised nothing and ingested nothing.
        var raised = await changes.WaitForAsync(c => c.SensorId == controller.SensorId("o2") && c.RuleId == "o2.low.l2", "A's O₂ alarm at B's console");
        raised.Priority.ShouldBe("Critical");
        var onA = await a.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        onA.Alarms.ShouldContain(x => x.Id == raised.Id && x.Seq == raised.Seq);
        var onB = await b.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        onB.Alarms.ShouldNotContain(x => x.SensorId == controller.SensorId("o2"));
        (await PipelineAsync(b)).GetProperty("messagesReceived").GetInt64().ShouldBe(0);
        (await PipelineAsync(a)).GetProperty("readingsAccepted").GetInt64().ShouldBe(1);
        using var health = JsonDocument.Parse(await b.Http.GetStringAsync("/health"));
        health.RootElement.GetProperty("checks").GetProperty("live").GetProperty("data").GetProperty("connected").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task SitePartition_InstanceIgnoresOtherSitesTelemetry()
    {
        // Arrange: an instance that owns one site only.
        var registry = Seeds.Value;
        var own = registry.Devices.First(d => d.TryGetChannel("temp", out _));
        var other = registry.Devices.First(d => d.SiteId != own.SiteId && d.TryGetChannel("temp", out _));
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--Mqtt:Sites={own.SiteId}");
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);

        // Act: the other site's device first, then the own site's, over one connection (the broker routes them in order).
        await device.PublishAsync(other, "temp", 31.5);
        await device.PublishAsync(own, "temp", 21.5);

        // Assert: the own site's reading arrived; the other's was never delivered to this instance, not even as a reject.
        await IngestionTests.WaitForSensorValueAsync(server, own.SensorId("temp"), 21.5);
        var pipeline = await PipelineAsync(server);
        pipeline.GetProperty("messagesReceived").GetInt64().ShouldBe(1);
        pipeline.GetProperty("readingsAccepted").GetInt64().ShouldBe(1);
        pipeline.GetProperty("rejected").GetInt64().ShouldBe(0);
        using var sensor = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/sensors/{other.SensorId("temp")}"));
        sensor.RootElement.GetProperty("quality").GetString().ShouldBe("NoData");
        using var health = JsonDocument.Parse(await server.Http.GetStringAsync("/health"));
        health.RootElement.GetProperty("checks").GetProperty("mqtt").GetProperty("data").GetProperty("sites")[0].GetString().ShouldBe(own.SiteId);
    }

    [Fact]
    public async Task SitePartition_PersistentSessionFromBeforeThePartition_OtherSitesAreDroppedNotIngested()
    {
        // Arrange: an instance ingests every site on a persistent session, then restarts on it with a partition.
        await using var broker = await MosquittoBroker.StartAsync();
        var registry = Seeds.Value;
        var own = registry.Devices.First(d => d.TryGetChannel("temp", out _));
        var other = registry.Devices.First(d => d.SiteId != own.SiteId && d.TryGetChannel("temp", out _));
        var clientId = $"--Mqtt:ClientId=lifeline-partition-{Guid.NewGuid():N}"[..40];
        await using (await LifelineServerHost.StartExternalAsync(broker, clientId))
        {
        }

        // Act: while it is away, both sites publish; it comes back owning one site.
        await using (var device = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            await device.PublishAsync(other, "temp", 31.5);
            await device.PublishAsync(own, "temp", 21.5);
        }

        await using var server = await LifelineServerHost.StartExternalAsync(broker, clientId, $"--Mqtt:Sites={own.SiteId}");

        // Assert: the queued message of the other site is acknowledged and dropped (counted), the own site's ingested.
        await IngestionTests.WaitForSensorValueAsync(server, own.SensorId("temp"), 21.5);
        var metrics = server.App.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.IngestionMetrics>();
        await IngestionTests.WaitUntilAsync(() => metrics.OtherSiteMessages == 1, "the other site's message dropped");
        metrics.Readings.ShouldBe(1);

        // And the old all-sites subscription is gone: the other site's next message is not delivered at all.
        await using (var device = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            await device.PublishAsync(other, "temp", 32.5);
            await device.PublishAsync(own, "temp", 22.5);
        }

        await IngestionTests.WaitForSensorValueAsync(server, own.SensorId("temp"), 22.5);
        metrics.OtherSiteMessages.ShouldBe(1);
        metrics.Readings.ShouldBe(2);
        using var sensor = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/sensors/{other.SensorId("temp")}"));
        sensor.RootElement.GetProperty("quality").GetString().ShouldBe("NoData");
    }

    [Fact]
    public void Configuration_UnknownSiteOrBadRedis_StopsStartUpWithTheReason()
    {
        var unknownSite = Should.Throw<OptionsValidationException>(() => ValidateWith("--Mqtt:Sites=no-such-site"));
        unknownSite.Failures.ShouldContain(f => f.Contains("Mqtt:Sites: 'no-such-site' is not a site of the registry", StringComparison.Ordinal));

        foreach (var bad in new[] { ",,=,", "redis1:99999", "password=secret" })
        {
            var badRedis = Should.Throw<OptionsValidationException>(() => ValidateWith($"--Live:Redis={bad}"));
            badRedis.Failures.ShouldContain(f => f.Contains("Live:Redis is not a valid Redis connection string", StringComparison.Ordinal));
        }
    }

    private static void ValidateWith(string argument)
    {
        var data = Directory.CreateTempSubdirectory("lifeline-config-").FullName;
        try
        {
            var app = Lifeline.Server.LifelineApp.Build([
                $"--Assets:Path={RepositoryPaths.Seeds()}", $"--Storage:Wal:Path={Path.Combine(data, "wal")}",
                $"--Alarms:Journal:Path={Path.Combine(data, "alarms")}", $"--Control:Journal:Path={Path.Combine(data, "commands")}",
                $"--Accounts:Path={Path.Combine(data, "users.json")}", argument]);
            using (app as IDisposable)
            {
                Lifeline.Server.LifelineApp.ValidateConfiguration(app.Services);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task WaitForBackplaneAsync(LifelineServerHost host)
    {
        var state = host.App.Services.GetRequiredService<LiveBackplaneState>();
        await IngestionTests.WaitUntilAsync(() => state.Connected && state.Subscribed, "the Redis backplane connected");
    }

    private static async Task<JsonElement> PipelineAsync(LifelineServerHost host)
    {
        using var health = JsonDocument.Parse(await host.Http.GetStringAsync("/health"));
        return health.RootElement.GetProperty("checks").GetProperty("pipeline").GetProperty("data").Clone();
    }
}
