using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Lifeline.Alarms;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>
/// <c>GET /metrics</c> on the real server, scraped over HTTP and parsed as the Prometheus text format: every named metric
/// is there and the counters move by exactly what was published. Meters are process-wide: a server's exporter also sees
/// the instruments of every other server alive in the same process, so these tests run alone.
/// </summary>
[Collection(nameof(MetricsTests))]
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_AfterValidAndRejectedTelemetry_CountersMoveByExactAmounts()
    {
        // Arrange: a server storing into InfluxDB, one console connected, an anonymous scraper.
        await using var influx = await InfluxDbServer.StartAsync();
        await using var server = await LifelineServerHost.StartEmbeddedAsync(StorageFaultTests.InfluxArgs(influx));
        using var scraper = new HttpClient { BaseAddress = server.BaseAddress };
        var (hub, _) = await server.ConnectHubAsync();
        await using var hubConnection = hub;
        var before = await ScrapeAsync(scraper);
        var seqBefore = (await server.GetJsonAsync<AlarmSnapshot>("/api/alarms")).Seq;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 3);
        var topic = $"lifeline/{controller.SiteId}/{controller.Id}/telemetry";

        // Act: 5 good messages of 2 readings (the last with O₂ at 17 %vol, a critical alarm), 2 malformed payloads, one
        // from an unknown device, and one with a value out of its physical range beside a good one.
        for (var i = 0; i < 5; i++)
        {
            var o2 = i == 4 ? "17.0" : "20.9";
            await device.PublishRawAsync(topic, $"{{\"values\": {{\"o2\": {o2}, \"temp\": 2{i}.5}}}}");
        }

        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": 20.1");
        await device.PublishRawAsync(topic, "not json");
        await device.PublishRawAsync($"lifeline/{controller.SiteId}/no-such-device/telemetry", "{\"values\": {\"o2\": 20.1}}");
        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": 99, \"temp\": 30.5}}");

        // Assert: wait until the rules have evaluated the 11 accepted readings and InfluxDB holds them, then compare.
        var after = await WaitForScrapeAsync(scraper, s =>
            Delta(s, before, "lifeline_pipeline_evaluated_total") >= 11
            && Delta(s, before, "lifeline_storage_points_written_total") >= 11, "11 readings evaluated and stored");
        var diagnostics = string.Join("; ", after.Samples.Where(x => x.Name.StartsWith("lifeline_ingest", StringComparison.Ordinal)).Select(x => $"{x.Name}{{{string.Join(',', x.Labels.Select(l => $"{l.Key}={l.Value}"))}}} {x.Value}"))
            + " before: " + string.Join("; ", before.Samples.Where(x => x.Name.StartsWith("lifeline_ingest", StringComparison.Ordinal)).Select(x => $"{x.Name} {x.Value}"));
        Delta(after, before, "lifeline_ingest_messages_total").ShouldBe(9, diagnostics);
        Delta(after, before, "lifeline_ingest_readings_total").ShouldBe(11);
        Delta(after, before, "lifeline_pipeline_evaluated_total").ShouldBe(11);
        Delta(after, before, "lifeline_ingest_rejects_total", ("reason", "MalformedJson")).ShouldBe(2);
        Delta(after, before, "lifeline_ingest_rejects_total", ("reason", "UnknownDevice")).ShouldBe(1);
        Delta(after, before, "lifeline_ingest_rejects_total", ("reason", "OutOfPhysicalRange")).ShouldBe(1);
        Delta(after, before, "lifeline_ingest_rejects_total").ShouldBe(4);

        // Every alarm raised in the window is counted once, by priority: the journal's changes say how many there were.
        var changes = await server.GetJsonAsync<AlarmChanges>($"/api/alarms/changes?since={seqBefore}");
        var raised = changes.Changes.Where(c => c.Transition is "Raised" or "Reraised").ToList();
        raised.ShouldContain(c => c.Priority == "Critical" && c.Kind == "o2_low" && c.SensorId == controller.SensorId("o2"));
        var afterAlarms = await ScrapeAsync(scraper);
        Delta(afterAlarms, before, "lifeline_alarms_raised_total").ShouldBe(raised.Count);
        foreach (var priority in raised.GroupBy(c => c.Priority))
        {
            Delta(afterAlarms, before, "lifeline_alarms_raised_total", ("priority", priority.Key)).ShouldBe(priority.Count());
        }

        afterAlarms.Sum("lifeline_live_connections").ShouldBe(1);
        afterAlarms.Has("lifeline_wal_backlog_bytes").ShouldBeTrue();
        afterAlarms.Has("lifeline_wal_backlog_records").ShouldBeTrue();
        afterAlarms.Has("lifeline_pipeline_backlog").ShouldBeTrue();
        afterAlarms.Sum("lifeline_alarms_active").ShouldBeGreaterThanOrEqualTo(1);
        Delta(afterAlarms, before, "lifeline_storage_write_duration_milliseconds_count").ShouldBeGreaterThanOrEqualTo(1);
        afterAlarms.Sum("lifeline_storage_write_duration_milliseconds_bucket", ("le", "+Inf"))
            .ShouldBe(afterAlarms.Sum("lifeline_storage_write_duration_milliseconds_count"));
        afterAlarms.Types["lifeline_ingest_readings_total"].ShouldBe("counter");
        afterAlarms.Types["lifeline_live_connections"].ShouldBe("gauge");
        afterAlarms.Types["lifeline_storage_write_duration_milliseconds"].ShouldBe("histogram");
        afterAlarms.Has("http_server_request_duration_seconds_count").ShouldBeTrue();

        // The console disconnects: the connection gauge goes back down.
        await hub.StopAsync();
        await WaitForScrapeAsync(scraper, s => s.Sum("lifeline_live_connections") == 0, "the connection gauge at 0");
    }

    [Fact]
    public async Task Metrics_ModbusDeviceThatNeverAnswers_CountsTimeoutsAndPollLatency()
    {
        // Arrange: one polled PLC whose address accepts connections and never answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await silent.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var seed = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Seeds(), "modbus.yaml"));
        var profile = Path.Combine(Directory.CreateTempSubdirectory("lifeline-modbus-").FullName, "modbus.yaml");
        await File.WriteAllTextAsync(profile, seed[..seed.IndexOf("\ndevices:", StringComparison.Ordinal)] + $"\ndevices:\n  - {{id: wwtp1-influent-plc, port: {port}}}\n");
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Modbus:Enabled=true", $"--Modbus:Path={profile}", "--Modbus:RequestTimeout=00:00:00.100", "--Modbus:Retries=0");
        using var scraper = new HttpClient { BaseAddress = server.BaseAddress };

        // Act: polls time out.
        var scrape = await WaitForScrapeAsync(scraper, s => s.Sum("lifeline_modbus_timeouts_total", ("device", "wwtp1-influent-plc")) >= 3, "three Modbus timeouts");

        // Assert: timeouts, failed polls and their latency per device. A poll whose read timed out lasted at least the
        // 100 ms request timeout (polls refused at once by the open circuit breaker are quick).
        scrape.Sum("lifeline_modbus_poll_failures_total", ("device", "wwtp1-influent-plc")).ShouldBeGreaterThanOrEqualTo(1);
        var polls = scrape.Sum("lifeline_modbus_poll_duration_seconds_count", ("device", "wwtp1-influent-plc"));
        var fast = scrape.Sum("lifeline_modbus_poll_duration_seconds_bucket", ("device", "wwtp1-influent-plc"), ("le", "0.05"));
        (polls - fast).ShouldBeGreaterThanOrEqualTo(1);
        scrape.Sum("lifeline_modbus_poll_duration_seconds_bucket", ("device", "wwtp1-influent-plc"), ("le", "+Inf")).ShouldBe(polls);
        scrape.Sum("lifeline_modbus_poll_duration_seconds_sum", ("device", "wwtp1-influent-plc")).ShouldBeGreaterThanOrEqualTo(0.09);
        scrape.Types["lifeline_modbus_poll_duration_seconds"].ShouldBe("histogram");

        await stop.CancelAsync();
        await accepting;
        accepted.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Metrics_RequireSignIn_RefusesAnonymousScrapesAndServesViewers()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync("--Metrics:RequireSignIn=true");
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        using var viewer = await server.ClientAsync(Lifeline.Server.Accounts.Role.Viewer);

        using var refused = await anonymous.GetAsync("/metrics");
        using var served = await viewer.GetAsync("/metrics");

        refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        PrometheusText.Parse(await served.Content.ReadAsStringAsync()).Has("lifeline_wal_backlog_records").ShouldBeTrue();
    }

    [Fact]
    public async Task Metrics_ByDefault_IsAnonymousLikeHealth()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };

        using var response = await anonymous.GetAsync("/metrics");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/plain");
        using var api = await anonymous.GetAsync("/api/alarms");
        api.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    internal static double Delta(PrometheusText after, PrometheusText before, string name, params (string Key, string Value)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);

    internal static async Task<PrometheusText> ScrapeAsync(HttpClient scraper)
    {
        using var response = await scraper.GetAsync("/metrics");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    internal static async Task<PrometheusText> WaitForScrapeAsync(HttpClient scraper, Func<PrometheusText, bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var last = await ScrapeAsync(scraper);
        while (!condition(last))
        {
            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                var names = string.Join(", ", last.Samples.Select(s => s.Name).Where(n => n.StartsWith("lifeline", StringComparison.Ordinal)).Distinct());
                throw new TimeoutException($"timed out waiting for {what}; lifeline metrics scraped: {names}");
            }

            last = await ScrapeAsync(scraper);
        }

        return last;
    }
}

[CollectionDefinition(nameof(MetricsTests), DisableParallelization = true)]
public sealed class MetricsTestsCollection;
