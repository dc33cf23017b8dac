using System.Diagnostics;
using System.Globalization;
using System.Text;

using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Server;
using Lifeline.Server.Accounts;
using Lifeline.Server.Pipeline;
using Lifeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Lifeline.Benchmarks;

/// <summary>
/// End-to-end ingest throughput: device messages published over MQTT (QoS 1, pipelined) until the rule engine has
/// evaluated every reading, with the embedded broker and with Mosquitto; beside it, the raw limit of the same broker
/// (same publisher, a plain subscriber that only counts), measured in the same run. Plus publish → SignalR alarm latency.
/// </summary>
public static class IngestHarness
{
    private const int Publishers = 4;
    private const int InFlightPerPublisher = 256;

    public static async Task<string> RunAsync(int messages, int repeats, int latencySamples)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Lifeline ingest benchmark ({TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {messages:N0} device messages per run, {repeats} runs, medians; {Publishers} publishers × {InFlightPerPublisher} QoS 1 messages in flight.");
        report.AppendLine();
        report.AppendLine("| broker | raw broker limit (msg/s) | Lifeline: publish → rules evaluated (msg/s) | readings/s | ratio to raw |");
        report.AppendLine("|---|---|---|---|---|");
        var registry = Lifeline.Assets.AssetRegistryLoader.Load(RepositoryPaths.Seeds());
        var payloads = BuildPayloads(registry, messages);
        var readingsPerRun = payloads.Sum(p => p.Readings);

        foreach (var kind in new[] { "embedded MQTTnet", "Mosquitto 2" })
        {
            var raw = new List<double>();
            var platform = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                raw.Add(await RawBrokerAsync(kind, payloads));
                platform.Add(await PlatformAsync(kind, payloads, readingsPerRun));
                Console.WriteLine($"{kind} run {r + 1}: raw {raw[^1]:N0} msg/s, platform {platform[^1]:N0} msg/s");
            }

            var rawMedian = Median(raw);
            var platformMedian = Median(platform);
            var readingsPerMessage = (double)readingsPerRun / payloads.Count;
            report.AppendLine(CultureInfo.InvariantCulture, $"| {kind} | {rawMedian:N0} | {platformMedian:N0} | {platformMedian * readingsPerMessage:N0} | {platformMedian / rawMedian:P0} |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Readings per message: {(double)readingsPerRun / payloads.Count:F1} (a zone controller's full kit). City load (every Baoshan device at 1 message/s) is {registry.DeviceCount:N0} msg/s.");
        report.AppendLine();
        report.Append(await LatencyReportAsync(registry, latencySamples));
        return report.ToString();
    }

    /// <summary>Alarm latency on an idle server and at city load (every device at 1 msg/s from the in-process simulator).</summary>
    public static async Task<string> LatencyReportAsync(AssetRegistry registry, int samples)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Alarm latency, MQTT publish (embedded broker) → `AlarmChanged` at a SignalR client, {samples} alarms each:");
        report.AppendLine();
        report.AppendLine("| load | p50 | p99 | max |");
        report.AppendLine("|---|---|---|---|");
        foreach (var cityLoad in new[] { false, true })
        {
            var (p50, p99, max) = await AlarmLatencyAsync(registry, samples, cityLoad);
            var load = cityLoad ? $"city load: {registry.DeviceCount:N0} devices × 1 msg/s (simulator in the same process)" : "idle";
            report.AppendLine(CultureInfo.InvariantCulture, $"| {load} | {p50:F1} ms | {p99:F1} ms | {max:F1} ms |");
        }

        return report.ToString();
    }

    internal sealed record Payload(string Topic, byte[] Body, int Readings, Lifeline.Domain.Telemetry.TelemetryBatch Batch);

    internal static List<Payload> BuildPayloads(AssetRegistry registry, int messages)
    {
        var devices = registry.Devices.Where(d => d.Location.CabinType is not null).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var list = new List<Payload>(messages);
        for (var i = 0; i < messages; i++)
        {
            var device = devices[i % devices.Count];
            // Normal values: no alarms, so the harness measures the steady-state path.
            var values = device.Channels.Select(c => new KeyValuePair<string, object>(c.Name, c.Kind == ChannelKind.Boolean ? false : NormalValue(c))).ToList();
            var ts = DateTimeOffset.FromUnixTimeMilliseconds(now + i);
            var batch = new Lifeline.Domain.Telemetry.TelemetryBatch(
                device.Id,
                values.Select(v => new Lifeline.Domain.Telemetry.Reading(device.Id, v.Key, v.Value is bool b ? (b ? 1 : 0) : (double)v.Value, ts, i / devices.Count)).ToList(),
                ts);
            list.Add(new Payload(MqttTopics.Telemetry(device.SiteId, device.Id), TelemetryPayloadWriter.ToBytes(now + i, i / devices.Count, values), values.Count, batch));
        }

        return list;
    }

    private static double NormalValue(Channel c) => c.Type.Id switch
    {
        "o2" => 20.9,
        "ch4" => 0.5,
        "h2s" => 0.3,
        "temp" => 21.0,
        "rh" => 70.0,
        "level" => 0.2,
        _ => c.Min + ((c.Max - c.Min) * 0.3),
    };

    internal static async Task<double> RawBrokerAsync(string kind, List<Payload> payloads)
    {
        var port = FreePort.Next();
        await using var mosquitto = kind.StartsWith("Mosquitto", StringComparison.Ordinal) ? await MosquittoBroker.StartAsync(port) : null;
        using var embedded = mosquitto is null ? new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(port).WithMaxPendingMessagesPerClient(1_000_000).Build()) : null;
        if (embedded is not null)
        {
            await embedded.StartAsync();
        }

        using var subscriber = new MqttClientFactory().CreateMqttClient();
        var received = 0;
        var done = new TaskCompletionSource();
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == payloads.Count)
            {
                done.TrySetResult();
            }

            return Task.CompletedTask;
        };
        var disconnects = 0;
        subscriber.DisconnectedAsync += _ =>
        {
            Interlocked.Increment(ref disconnects);
            return Task.CompletedTask;
        };

        // The same session settings as the platform's ingestion client: persistent, QoS 1.
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("raw-counter")
            .WithCleanStart(false).WithSessionExpiryInterval(600).Build());
        await subscriber.SubscribeAsync(MqttTopics.TelemetryFilter, MqttQualityOfServiceLevel.AtLeastOnce);
        var seconds = await PublishAllAsync(port, payloads, done.Task, () => $"raw subscriber received {Volatile.Read(ref received):N0} of {payloads.Count:N0}, disconnects {Volatile.Read(ref disconnects)}");
        if (embedded is not null)
        {
            await embedded.StopAsync(new MqttServerStopOptions());
        }

        return payloads.Count / seconds;
    }

    private static async Task<double> PlatformAsync(string kind, List<Payload> payloads, long readings)
    {
        await using var mosquitto = kind.StartsWith("Mosquitto", StringComparison.Ordinal) ? await MosquittoBroker.StartAsync() : null;
        var mqttPort = mosquitto?.Port ?? FreePort.Next();
        var accounts = await TempAccountsAsync();
        var app = LifelineApp.Build([
            $"--urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Assets:Path={RepositoryPaths.Seeds()}",
            $"--Mqtt:Mode={(mosquitto is null ? "Embedded" : "External")}",
            "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={mqttPort}",
            $"--Storage:Wal:Path={TempWal()}",
            $"--Alarms:Journal:Path={TempWal()}",
            $"--Control:Journal:Path={TempWal()}",
            $"--Accounts:Path={accounts.Path}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var state = app.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.MqttConnectionState>();
            while (!state.IsConnected)
            {
                await Task.Delay(10);
            }

            var processor = app.Services.GetRequiredService<TelemetryProcessor>();
            var start = processor.Processed;
            var done = WaitForAsync(() => processor.Processed - start >= readings);
            var seconds = await PublishAllAsync(mqttPort, payloads, done, () => $"platform evaluated {processor.Processed - start:N0} of {readings:N0} readings");
            return payloads.Count / seconds;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Publishes everything with bounded pipelining; returns seconds from the first publish until <paramref name="done"/>.</summary>
    internal static async Task<double> PublishAllAsync(int port, List<Payload> payloads, Task done, Func<string> progress)
    {
        var clients = new List<IMqttClient>();
        for (var i = 0; i < Publishers; i++)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId($"bench-pub-{i}").Build());
            clients.Add(client);
        }

        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select((client, index) => Task.Run(async () =>
        {
            using var slots = new SemaphoreSlim(InFlightPerPublisher);
            var pending = new List<Task>();
            for (var i = index; i < payloads.Count; i += Publishers)
            {
                await slots.WaitAsync();
                var p = payloads[i];
                var message = new MqttApplicationMessageBuilder().WithTopic(p.Topic).WithPayload(p.Body).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
                pending.Add(client.PublishAsync(message).ContinueWith(_ => slots.Release(), TaskScheduler.Default));
            }

            await Task.WhenAll(pending);
        })));
        try
        {
            await done.WaitAsync(TimeSpan.FromSeconds(180));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"not complete 180 s after the first publish: {progress()}");
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        foreach (var client in clients)
        {
            await client.DisconnectAsync();
            client.Dispose();
        }

        return seconds;
    }

    private static async Task<(double P50, double P99, double Max)> AlarmLatencyAsync(AssetRegistry registry, int samples, bool cityLoad)
    {
        var mqttPort = FreePort.Next();
        var httpPort = FreePort.Next();
        var accounts = await TempAccountsAsync();
        var app = LifelineApp.Build([
            $"--urls=http://127.0.0.1:{httpPort}",
            $"--Assets:Path={RepositoryPaths.Seeds()}",
            "--Mqtt:Mode=Embedded",
            $"--Mqtt:Port={mqttPort}",
            $"--Storage:Wal:Path={TempWal()}",
            $"--Alarms:Journal:Path={TempWal()}",
            $"--Control:Journal:Path={TempWal()}",
            $"--Accounts:Path={accounts.Path}",
            "--Logging:LogLevel:Default=Warning",
            $"--Simulator:Enabled={cityLoad}",
            "--Simulator:ScenarioSet=none",
        ]);
        await app.StartAsync();
        try
        {
            var arrivals = System.Threading.Channels.Channel.CreateUnbounded<(string SensorId, long At)>();
            await using var hub = new HubConnectionBuilder()
                .WithUrl($"http://127.0.0.1:{httpPort}/hubs/alarms", o => o.AccessTokenProvider = () => Task.FromResult<string?>(accounts.Token))
                .Build();
            hub.On<System.Text.Json.JsonElement>("AlarmChanged", e =>
            {
                // Only raises count: under city load the simulator's next normal reading clears each alarm again.
                if (e.GetProperty("state").GetString() == "Unacknowledged")
                {
                    arrivals.Writer.TryWrite((e.GetProperty("sensorId").GetString()!, Stopwatch.GetTimestamp()));
                }
            });
            await hub.StartAsync();
            var state = app.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.MqttConnectionState>();
            while (!state.IsConnected)
            {
                await Task.Delay(10);
            }

            using var device = new MqttClientFactory().CreateMqttClient();
            await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithClientId("latency-device").Build());
            if (cityLoad)
            {
                // Let every simulated device connect and reach its steady rate before measuring.
                var processor = app.Services.GetRequiredService<TelemetryProcessor>();
                var start = processor.Processed;
                await Task.Delay(TimeSpan.FromSeconds(10));
                Console.WriteLine($"city load: {(processor.Processed - start) / 10.0:N0} readings/s evaluated");
            }

            var devices = registry.Devices.Where(d => d.TryGetChannel("o2", out _)).Take(samples).ToList();
            var latencies = new List<double>();
            foreach (var d in devices)
            {
                var sensorId = d.SensorId("o2");
                var body = TelemetryPayloadWriter.ToBytes(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), 1, [new("o2", 17.0)]);
                var sent = Stopwatch.GetTimestamp();
                await device.PublishBinaryAsync(MqttTopics.Telemetry(d.SiteId, d.Id), body, MqttQualityOfServiceLevel.AtLeastOnce);
                while (true)
                {
                    var (id, at) = await arrivals.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                    if (id == sensorId)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                        break;
                    }
                }
            }

            return (Reporting.Percentiles.Of(latencies, 0.5), Reporting.Percentiles.Of(latencies, 0.99), latencies.Max());
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    internal static async Task WaitForAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(2);
        }
    }

    /// <summary>
    /// A fresh user file for one platform run, with an operator and its API token: the hub and the API require sign-in,
    /// and with a user present the server creates no admin (nor prints its password).
    /// </summary>
    internal static async Task<(string Path, string Token)> TempAccountsAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lifeline-bench-users-{Guid.NewGuid():N}", "users.json");
        using var store = new AccountStore(path);
        await store.AddUserAsync("bench", Role.Operator, Passwords.Generate());
        return (path, (await store.CreateTokenAsync("bench", "benchmark")).Secret);
    }

    /// <summary>A fresh write-ahead log folder for one platform run.</summary>
    internal static string TempWal() => Path.Combine(Path.GetTempPath(), $"lifeline-bench-wal-{Guid.NewGuid():N}");

    internal static double Median(List<double> values) => Reporting.Percentiles.Median(values);
}
