using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Lifeline.Domain.Assets;
using Lifeline.Storage.Forwarding;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>History API, alarm events, the v2 write path and storage metrics, against real services.</summary>
public sealed class StorageTests
{
    [Fact]
    public async Task History_WithInfluxDb_GivesMinMeanMaxPerBucket()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var host = await LifelineServerHost.StartExternalAsync(broker, StorageFaultTests.InfluxArgs(influx));
        var (device, start) = await PublishRampAsync(host, broker.Port, bucket: TimeSpan.FromSeconds(10));
        await StorageFaultTests.WaitForCountAsync(influx, 60, TimeSpan.FromSeconds(30));

        var history = await GetHistoryAsync(host, device, start, start.AddSeconds(60), "10s");

        history.GetProperty("source").GetString().ShouldBe("influxdb");
        history.GetProperty("every").GetDouble().ShouldBe(10);
        AssertRampBuckets(history, start, bucketSeconds: 10);
    }

    [Fact]
    public async Task History_WithoutInfluxDb_ComesFromMemoryAndSaysSo()
    {
        await using var host = await LifelineServerHost.StartEmbeddedAsync();
        var (device, start) = await PublishRampAsync(host, host.MqttPort, bucket: TimeSpan.FromSeconds(30));
        await WaitUntilAsync(async () => (await GetHistoryAsync(host, device, start, start.AddSeconds(60), "30s")).GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("count").GetInt64()) == 60, "60 readings in memory");

        var history = await GetHistoryAsync(host, device, start, start.AddSeconds(60), "30s");

        history.GetProperty("source").GetString().ShouldBe("memory");
        history.GetProperty("note").GetString()!.ShouldContain("not configured");
        AssertRampBuckets(history, start, bucketSeconds: 30);
    }

    [Theory]
    [InlineData("from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z", HttpStatusCode.BadRequest, "impossible range")]
    [InlineData("from=2026-11-27T10:00:00Z&to=2026-11-27T10:00:00Z", HttpStatusCode.BadRequest, "impossible range")]
    [InlineData("from=yesterday", HttpStatusCode.BadRequest, "is not a time")]
    [InlineData("every=0s", HttpStatusCode.BadRequest, "is not a duration")]
    [InlineData("every=10x", HttpStatusCode.BadRequest, "is not a duration")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-11-27T00:00:00Z&every=1s", HttpStatusCode.BadRequest, "at most 10000")]
    public async Task History_ImpossibleRequest_IsAProblemDetailsNamingTheParameter(string query, HttpStatusCode status, string detail)
    {
        await using var host = await LifelineServerHost.StartEmbeddedAsync();
        var sensor = host.GasCabinDevice().SensorId("o2");

        using var response = await host.Http.GetAsync($"/api/sensors/{sensor}/history?{query}");

        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString()!.ShouldContain(detail);
    }

    [Fact]
    public async Task History_UnknownSensor_Is404()
    {
        await using var host = await LifelineServerHost.StartEmbeddedAsync();

        using var response = await host.Http.GetAsync("/api/sensors/no-such-device.o2/history");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AlarmTransitions_AreStoredInAlarmEvents()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var host = await LifelineServerHost.StartExternalAsync(broker, StorageFaultTests.InfluxArgs(influx));
        var device = host.GasCabinDevice();
        await using var publisher = await TestMqttPublisher.ConnectAsync(broker.Port);

        // Raise (below the 19.5 %vol level only), then clear: two transitions (the device's comm loss, raised when it
        // then falls silent, is another kind).
        await publisher.PublishAsync(device, "o2", 19.0);
        await publisher.PublishAsync(device, "o2", 20.9);

        await WaitUntilAsync(
            async () =>
            {
                try
                {
                    return await influx.CountAsync("lifeline", "alarm_events", "seq") >= 2;
                }
                catch (InvalidOperationException)
                {
                    return false; // the forwarder has not created the database yet
                }
            },
            "two alarm events in InfluxDB");
        using var document = await influx.QueryAsync("lifeline", $"SELECT \"alarm_id\", \"state\", \"priority\", \"kind\", \"zone\", \"value\" FROM \"alarm_events\" WHERE \"device\" = '{device.Id}' AND \"kind\" = 'o2_low'");
        var series = document.RootElement.GetProperty("results")[0].GetProperty("series")[0];
        var rows = series.GetProperty("values").EnumerateArray().ToList();
        rows.Count.ShouldBe(2);
        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        string Cell(int row, string column) => rows[row][columns.IndexOf(column)].ToString();
        Cell(0, "state").ShouldBe("Unacknowledged");
        Cell(1, "state").ShouldBe("ReturnedUnacknowledged");
        Cell(0, "kind").ShouldBe("o2_low");
        Cell(0, "zone").ShouldBe(device.Location.ZoneId);
        Cell(0, "alarm_id").ShouldBe(Cell(1, "alarm_id"));
        double.Parse(Cell(0, "value"), CultureInfo.InvariantCulture).ShouldBe(19.0);
    }

    /// <summary>
    /// InfluxDB.Client's v2 write path (<c>/api/v2/write</c>, <c>Influx:ApiVersion=V2</c>) against the real 1.6.7 engine
    /// through the nginx rewrite (v2 bucket → v1 database). This exercises the client code and the precision mapping,
    /// not InfluxDB 2.x itself.
    /// </summary>
    [Fact]
    public async Task V2ClientThroughV1Shim_ReadingsStoredWithExactTimestamps()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var shim = await NginxV2Shim.StartAsync(influx.Port);
        await influx.CreateDatabaseAsync("lifeline");
        await using var host = await LifelineServerHost.StartExternalAsync(broker,
            $"--Influx:Url={shim.Url}", "--Influx:ApiVersion=V2", "--Influx:Bucket=lifeline", "--Influx:Database=lifeline", "--Influx:Org=baoshan", "--Influx:Token=shim-token",
            "--Storage:Forwarder:RetryDelay=00:00:00.100", "--Storage:Forwarder:MaxRetryDelay=00:00:00.500");
        await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, host.Registry);

        await burst.PublishAsync(messages: 400);

        await StorageFaultTests.WaitForCountAsync(influx, 2_000, TimeSpan.FromSeconds(60));
        var first = burst.DeviceIds.First();
        using var document = await influx.QueryAsync("lifeline", $"SELECT \"value\" FROM \"tunnel_env\" WHERE \"device\" = '{first}' ORDER BY time ASC LIMIT 1");
        var time = document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][0].GetInt64();
        time.ShouldBe(burst.Epoch.ToUnixTimeMilliseconds() * 1_000_000, "nanosecond timestamp of the first message, exactly");
    }

    [Fact]
    public async Task StorageFigures_AreOnHealthAndMetrics()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        using var listener = new MeterListener();
        long written = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == StorageMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "lifeline.storage.points_written")
            {
                Interlocked.Add(ref written, value);
            }
        });
        listener.Start();
        await using var host = await LifelineServerHost.StartExternalAsync(broker, StorageFaultTests.InfluxArgs(influx));
        await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, host.Registry);

        await burst.PublishAsync(messages: 200);
        await StorageFaultTests.WaitForCountAsync(influx, 1_000, TimeSpan.FromSeconds(60));

        Interlocked.Read(ref written).ShouldBeGreaterThanOrEqualTo(1_000);
        using var response = await host.Http.GetAsync("/health");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var storage = health.RootElement.GetProperty("checks").GetProperty("storage");
        storage.GetProperty("status").GetString().ShouldBe("Healthy");
        var data = storage.GetProperty("data");
        data.GetProperty("forwarder").GetString().ShouldBe("Writing");
        data.GetProperty("circuit").GetString().ShouldBe("Closed");
        data.GetProperty("pointsWritten").GetInt64().ShouldBeGreaterThanOrEqualTo(1_000);
        data.GetProperty("walStoredLsn").GetInt64().ShouldBeGreaterThanOrEqualTo(200);
        data.GetProperty("influx").GetString()!.ShouldContain("1.6.7");
    }

    /// <summary>Publishes 60 readings, 1 s apart, values 1..60, on one channel; the first at a bucket boundary about 10 minutes ago.</summary>
    private static async Task<(Device Device, DateTimeOffset Start)> PublishRampAsync(LifelineServerHost host, int port, TimeSpan bucket)
    {
        var device = host.GasCabinDevice(skip: 3);
        var now = TimeProvider.System.GetUtcNow().AddMinutes(-10);
        var start = new DateTimeOffset(now.UtcTicks / bucket.Ticks * bucket.Ticks, TimeSpan.Zero);
        await using var publisher = await TestMqttPublisher.ConnectAsync(port);
        for (var i = 0; i < 60; i++)
        {
            await publisher.PublishAsync(device, "temp", (double)(i + 1), start.AddSeconds(i).ToUnixTimeMilliseconds());
        }

        return (device, start);
    }

    private static void AssertRampBuckets(JsonElement history, DateTimeOffset start, int bucketSeconds)
    {
        var buckets = history.GetProperty("buckets").EnumerateArray().ToList();
        buckets.Count.ShouldBe(60 / bucketSeconds);
        for (var b = 0; b < buckets.Count; b++)
        {
            var lo = (b * bucketSeconds) + 1;
            var hi = (b + 1) * bucketSeconds;
            buckets[b].GetProperty("t").GetDateTimeOffset().ShouldBe(start.AddSeconds(b * bucketSeconds));
            buckets[b].GetProperty("min").GetDouble().ShouldBe(lo);
            buckets[b].GetProperty("max").GetDouble().ShouldBe(hi);
            buckets[b].GetProperty("mean").GetDouble().ShouldBe((lo + hi) / 2.0, 1e-9);
            buckets[b].GetProperty("count").GetInt64().ShouldBe(bucketSeconds);
        }
    }

    private static async Task<JsonElement> GetHistoryAsync(LifelineServerHost host, Device device, DateTimeOffset from, DateTimeOffset to, string every)
    {
        var url = $"/api/sensors/{device.SensorId("temp")}/history?from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&every={every}";
        using var response = await host.Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(100);
        }
    }
}
