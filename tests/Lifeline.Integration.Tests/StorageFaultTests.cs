using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Lifeline.Contracts.Alarms;
using Lifeline.Server;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>
/// Every reading a device delivered is stored exactly once, whatever fails in between: real Mosquitto, real InfluxDB
/// (Debian 1.6.7 through its v1 API), the real server, exact counts in InfluxDB.
/// </summary>
public sealed class StorageFaultTests
{
    private const string Database = "lifeline";
    private static readonly string[] Measurements = ["tunnel_env", "tunnel_equipment", "gas", "sewage", "unregistered"];

    /// <summary>Fast retries and short breaks so an outage's end is noticed within a second.</summary>
    internal static string[] InfluxArgs(InfluxDbServer influx) =>
    [
        $"--Influx:Url={influx.Url}",
        "--Influx:ApiVersion=V1",
        $"--Influx:Database={Database}",
        "--Storage:Forwarder:RetryDelay=00:00:00.100",
        "--Storage:Forwarder:MaxRetryDelay=00:00:00.500",
        "--Storage:Forwarder:BreakDuration=00:00:01",
        "--Storage:Forwarder:AttemptTimeout=00:00:05",
    ];

    [Fact]
    public async Task InfluxDbDownTenSeconds_WhileFiftyThousandReadingsArrive_AllStoredOnceAfterItReturns()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var host = await LifelineServerHost.StartExternalAsync(broker, InfluxArgs(influx));
        await WaitForStorageAsync(host, s => s.GetProperty("data").GetProperty("forwarder").GetString() is "Writing" or "Starting", "forwarder started");

        // Arrange: the database goes away.
        await influx.StopAsync();
        var outage = Stopwatch.StartNew();

        // Act: 50,000 readings arrive over QoS 1 while it is down.
        await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, host.Registry);
        await burst.PublishAsync(messages: 10_000);
        burst.Published.ShouldBe(50_000);

        // Everything is safe in the write-ahead log, and alarming goes on: a gas reading over its limit still raises an alarm.
        await WaitForStorageAsync(host, s => s.GetProperty("data").GetProperty("backlogRecords").GetInt64() >= 10_000, "all 10,000 messages in the log");
        await using (var device = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            var gas = host.GasCabinDevice();
            await device.PublishAsync(gas, "o2", 15.0);
        }

        await WaitUntilAsync(async () => (await host.GetJsonAsync<AlarmSnapshotView>("/api/alarms")).Alarms.Any(a => a.Kind.Contains("o2", StringComparison.OrdinalIgnoreCase) || a.RuleId.Contains("o2", StringComparison.Ordinal)),
            "an O2 alarm raised while InfluxDB is down", TimeSpan.FromSeconds(20));
        var health = await StorageHealthAsync(host);
        health.GetProperty("status").GetString().ShouldBe("Degraded", health.ToString());

        // The outage lasts 10 s (the scenario's length, not a synchronisation).
        if (outage.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(TimeSpan.FromSeconds(10) - outage.Elapsed);
        }

        await influx.RestartAsync();

        // Assert: exactly what was published (the burst and the one O₂ reading), no more (no duplicates), no less.
        await WaitForCountAsync(influx, 50_001, TimeSpan.FromSeconds(90));
        await WaitForStorageAsync(host, s => s.GetProperty("data").GetProperty("backlogRecords").GetInt64() == 0, "backlog drained");
        (await CountAsync(influx)).ShouldBe(50_001);
    }

    [Fact]
    public async Task ServerKilledMidStream_RestartedOnSameLog_EveryReadingStoredExactlyOnce()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        var data = Directory.CreateTempSubdirectory("lifeline-kill-").FullName;
        var clientId = $"lifeline-kill-{Guid.NewGuid():N}";
        string[] args =
        [
            typeof(LifelineApp).Assembly.Location,
            "--Mqtt:Mode=External", "--Mqtt:Host=127.0.0.1", $"--Mqtt:Port={broker.Port}", $"--Mqtt:ClientId={clientId}", "--Mqtt:MaxReconnectDelay=00:00:01",
            $"--Assets:Path={RepositoryPaths.Seeds()}",
            $"--Storage:Wal:Path={Path.Combine(data, "wal")}",
            $"--Alarms:Journal:Path={Path.Combine(data, "alarms")}",
            $"--Control:Journal:Path={Path.Combine(data, "commands")}",
            $"--Storage:Forwarder:RejectedPath={Path.Combine(data, "rejected")}",
            "--Logging:LogLevel:Default=Warning",
            .. InfluxArgs(influx),
        ];
        var registry = Lifeline.Assets.AssetRegistryLoader.Load(RepositoryPaths.Seeds());
        try
        {
            var server = StartServer(args, out var port);
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(60));
            await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, registry);

            // Act: publish 40,000 readings; kill the server (SIGKILL) once about a third are through the broker.
            var publishing = burst.PublishAsync(messages: 8_000, inFlight: 50);
            await WaitUntilAsync(() => Task.FromResult(burst.Messages >= 2_600), "a third of the messages published", TimeSpan.FromSeconds(60));
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();

            // Restart on the same log and the same MQTT session; the publisher never stopped.
            server = StartServer(args, out port);
            await publishing;
            burst.Published.ShouldBe(40_000);

            // Assert: every published reading stored, exactly once.
            await WaitForCountAsync(influx, 40_000, TimeSpan.FromSeconds(90));
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
            server.Dispose();
            (await CountAsync(influx)).ShouldBe(40_000);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task CorruptLogTail_OnStart_IsTruncatedReportedAndTheRestStored()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        string data;
        await using (var first = await LifelineServerHost.StartExternalAsync(broker, InfluxArgs(influx)))
        {
            // InfluxDB is down while these arrive, so they are still in the log, unstored, when the crash comes.
            first.KeepData();
            data = first.DataDirectory;
            await influx.StopAsync();
            await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, first.Registry);
            await burst.PublishAsync(messages: 1_000);
            await WaitForStorageAsync(first, s => s.GetProperty("data").GetProperty("backlogRecords").GetInt64() >= 1_000, "1,000 messages in the log");
        }

        await influx.RestartAsync();

        // Arrange: a crash mid-write leaves half a record at the end of the newest segment.
        var newest = Directory.GetFiles(Path.Combine(data, "wal"), "*.wal").Order(StringComparer.Ordinal).Last();
        var goodLength = new FileInfo(newest).Length;
        await using (var file = new FileStream(newest, FileMode.Append))
        {
            // A record header announcing 400 bytes, followed by only 30 of them.
            file.Write([0x90, 0x01, 0, 0, 0xDE, 0xAD, 0xBE, 0xEF]);
            file.Write(new byte[30]);
        }

        // Act
        await using var second = await LifelineServerHost.StartExternalAsync(broker, [.. InfluxArgs(influx), $"{LifelineServerHost.DataArgument}{data}"]);
        try
        {
            // Assert: reported on /health (segment, offset, what was cut); every sound record before it is stored, and
            // new readings on top.
            var storage = await StorageHealthAsync(second);
            var recovery = storage.GetProperty("data").GetProperty("walRecovery").GetString();
            recovery.ShouldNotBeNull();
            recovery.ShouldContain(Path.GetFileName(newest));
            recovery.ShouldContain($"at byte {goodLength}");
            recovery.ShouldContain("38 bytes truncated");
            await WaitForCountAsync(influx, 5_000, TimeSpan.FromSeconds(60));

            await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, second.Registry);
            await burst.PublishAsync(messages: 600, start: 1_000);
            await WaitForCountAsync(influx, 8_000, TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task LogFull_WhileInfluxDbDown_IngestionWaitsWithCriticalAlarm_ThenEverythingIsStored()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        await using var host = await LifelineServerHost.StartExternalAsync(broker, [.. InfluxArgs(influx), "--Storage:Wal:MaxBytes=1048576", "--Storage:Wal:SegmentBytes=131072"]);
        await influx.StopAsync();

        // Act: far more than 1 MiB of readings arrive while nothing can be stored.
        await using var burst = await TelemetryBurst.ConnectAsync(broker.Port, host.Registry);
        await burst.PublishAsync(messages: 16_000);

        // Assert: the log is full, ingestion waits (the rest stays queued at the broker), a critical alarm says so.
        var storage = await WaitForStorageAsync(host, s => s.GetProperty("data").GetProperty("walFull").GetBoolean(), "the write-ahead log full");
        storage.GetProperty("status").GetString().ShouldBe("Unhealthy");
        storage.GetProperty("data").GetProperty("walDiskBytes").GetInt64().ShouldBeLessThan(1_048_576 + 262_144);
        var alarm = await WaitForAlarmAsync(host, "platform.storage-full", a => a.State == "Unacknowledged");
        alarm.Priority.ShouldBe("Critical");

        // InfluxDB returns: the backlog drains, the broker's queue follows, every reading is stored once.
        await influx.RestartAsync();
        await WaitForCountAsync(influx, 80_000, TimeSpan.FromSeconds(120));
        await WaitForAlarmAsync(host, "platform.storage-full", a => a.State == "ReturnedUnacknowledged");
        (await CountAsync(influx)).ShouldBe(80_000);
    }

    internal static async Task<long> CountAsync(InfluxDbServer influx)
    {
        long total = 0;
        foreach (var measurement in Measurements)
        {
            total += await influx.CountAsync(Database, measurement);
        }

        return total;
    }

    internal static async Task WaitForCountAsync(InfluxDbServer influx, long expected, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        long count = 0;
        while (stopwatch.Elapsed < timeout)
        {
            try
            {
                count = await CountAsync(influx);
            }
            catch (InvalidOperationException)
            {
                // Database not created yet.
            }
            catch (HttpRequestException)
            {
                // Still starting.
            }

            if (count >= expected)
            {
                count.ShouldBe(expected, "more points than readings published: a reading was stored twice");
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"InfluxDB holds {count} of {expected} readings after {timeout.TotalSeconds:F0} s");
    }

    private static Process StartServer(string[] args, out int httpPort)
    {
        httpPort = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", [.. args, $"--urls=http://127.0.0.1:{httpPort}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("the server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<JsonElement> StorageHealthAsync(LifelineServerHost host)
    {
        using var response = await host.Http.GetAsync("/health");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("checks").GetProperty("storage").Clone();
    }

    private static async Task<JsonElement> WaitForStorageAsync(LifelineServerHost host, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var stopwatch = Stopwatch.StartNew();
        JsonElement storage = default;
        while (stopwatch.Elapsed < (timeout ?? TimeSpan.FromSeconds(60)))
        {
            storage = await StorageHealthAsync(host);
            if (condition(storage))
            {
                return storage;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"timed out waiting for {what}; storage health: {storage}");
    }

    private static async Task<AlarmDto> WaitForAlarmAsync(LifelineServerHost host, string ruleId, Func<AlarmDto, bool> condition)
    {
        AlarmDto? found = null;
        await WaitUntilAsync(
            async () =>
            {
                var snapshot = await host.GetJsonAsync<AlarmSnapshotView>("/api/alarms");
                found = snapshot.Alarms.FirstOrDefault(a => a.RuleId == ruleId && condition(a));
                return found is not null;
            },
            $"alarm {ruleId}",
            TimeSpan.FromSeconds(60));
        return found!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (stopwatch.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:F0} s waiting for {what}");
            }

            await Task.Delay(100);
        }
    }

    private sealed record AlarmSnapshotView(string Epoch, long Seq, IReadOnlyList<AlarmDto> Alarms);
}
