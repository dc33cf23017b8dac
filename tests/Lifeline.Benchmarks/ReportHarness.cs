using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Lifeline.Benchmarks.Reporting;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Server;
using Lifeline.Server.Pipeline;
using Lifeline.Simulation.Publishing;
using Lifeline.Storage.Forwarding;
using Lifeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Lifeline.Benchmarks;

/// <summary>Settings of one <c>report</c> run.</summary>
public sealed record ReportSettings(int Repeats, int StorageMessages, int LatencySamples, TimeSpan Warmup, TimeSpan Window);

/// <summary>
/// The published report: sustained MQTT → WAL → InfluxDB throughput beside raw InfluxDB and raw Mosquitto; alarm latency
/// at city load and at 10× with the full topology (Mosquitto, InfluxDB, the simulator feeding every device, the Modbus
/// slaves polled); the process's memory at city load. Every figure is a median over repeats, with pass/fail against
/// the targets.
/// </summary>
public static partial class ReportHarness
{
    /// <summary>The simulator's default pool: 4 connections, 256 QoS 1 messages in flight over them (scaled with the load).</summary>
    private const int ConnectionsPerFactor = 4;
    private const int InFlightPerFactor = 256;

    /// <summary>The kind of the threshold alarm an O₂ reading of 17.0 % raises (rules <c>o2.low.l1</c> and <c>o2.low.l2</c>).</summary>
    private const string SampleAlarmKind = "o2_low";

    /// <summary>How long the sampling waits for a sample's alarm before it goes on to the next; a sample still waiting is settled after the window (<see cref="LateLimit"/>).</summary>
    private static readonly TimeSpan AlarmTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long, after the window, the load stopped, a sample that timed out may still take to raise its alarm. An
    /// overloaded platform queues messages at the broker (it acknowledges them only once on disk), so such a sample is
    /// late, not lost: it gets its real latency, and only one that never raises an alarm counts as lost.
    /// </summary>
    private static readonly TimeSpan LateLimit = TimeSpan.FromSeconds(180);

    public static async Task<BenchmarkReport> RunAsync(ReportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var started = TimeProvider.System.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var loadAtStart = MachineProbe.LoadAverage();
        var registry = Lifeline.Assets.AssetRegistryLoader.Load(RepositoryPaths.Seeds());

        var throughput = new List<ThroughputRepeat>();
        double readingsPerMessage;
        {
            var payloads = IngestHarness.BuildPayloads(registry, settings.StorageMessages);
            long readings = payloads.Sum(p => p.Readings);
            readingsPerMessage = (double)readings / payloads.Count;
            for (var r = 0; r < settings.Repeats; r++)
            {
                var influx = await StorageHarness.RawInfluxAsync(registry, payloads);
                var broker = await IngestHarness.RawBrokerAsync("Mosquitto 2", payloads) * readingsPerMessage;
                var lifeline = await StorageHarness.EndToEndAsync(payloads, readings);
                throughput.Add(new ThroughputRepeat(influx, broker, lifeline));
                Console.WriteLine($"throughput {r + 1}/{settings.Repeats}: raw InfluxDB {influx:N0} points/s, raw Mosquitto {broker:N0} readings/s, Lifeline {lifeline:N0} readings/s");
            }
        }

        var loads = new List<LoadResult>();
        foreach (var factor in new[] { 1, 10 })
        {
            var repeats = new List<LoadRepeat>();
            string description = string.Empty;
            for (var r = 0; r < settings.Repeats; r++)
            {
                var (repeat, what, influxVersion) = await LoadRepeatInChildAsync(factor, settings, seed: (factor * 100) + r);
                s_influxVersion = influxVersion;
                repeats.Add(repeat);
                description = what;
                var totals = repeat.Totals;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{factor}× load {r + 1}/{settings.Repeats}: {repeat.Samples.Count} samples, {repeat.Lost} lost; p50 {Percentiles.Of(totals, 0.5):F1} ms, p99 {Percentiles.Of(totals, 0.99):F1} ms, max {totals.Max():F1} ms; offered {repeat.OfferedMessagesPerSecond:N0} msg/s, achieved {repeat.AchievedMessagesPerSecond:N0}; evaluated {repeat.EvaluatedReadingsPerSecond:N0} readings/s; RSS max {repeat.RssMegabytes.DefaultIfEmpty(double.NaN).Max():N0} MB"));
            }

            loads.Add(new LoadResult(factor, description, factor == 1 ? Target.CityLatencyP99 : Target.TenfoldLatencyP99, repeats));
        }

        var conditions = new RunConditions
        {
            StartedAt = started,
            Duration = clock.Elapsed,
            Machine = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {Environment.OSVersion}, everything on loopback on one machine; every load repeat runs in a fresh benchmark process (the server host, the simulator and the measuring clients)"),
            Versions = string.Create(CultureInfo.InvariantCulture, $".NET {Environment.Version} ({(System.Runtime.GCSettings.IsServerGC ? "Server" : "workstation")} GC, as the server), Mosquitto 2.0.11 and InfluxDB {s_influxVersion ?? "?"} (Debian packages)"),
            Repeats = settings.Repeats,
            StorageMessages = settings.StorageMessages,
            ReadingsPerMessage = readingsPerMessage,
            LatencySamples = settings.LatencySamples,
            Warmup = settings.Warmup,
            Window = settings.Window,
            LoadAverage = $"{loadAtStart} / {MachineProbe.LoadAverage()}",
            Devices = registry.DeviceCount,
        };
        return new BenchmarkReport(conditions, throughput, loads);
    }

    private static string? s_influxVersion;

    /// <summary>
    /// Runs one load repeat in a fresh process (this program's hidden <c>load-repeat</c> command), so its memory figure is
    /// that of one platform, not of every platform this process has hosted before.
    /// </summary>
    private static async Task<LoadOutcome> LoadRepeatInChildAsync(int factor, ReportSettings settings, int seed)
    {
        var output = Path.Combine(Path.GetTempPath(), $"lifeline-bench-load-{Guid.NewGuid():N}.json");
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this program's executable to run a load repeat in a fresh process");
        List<string> args = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ReportHarness).Assembly.Location] : [];
        args.AddRange([
            "load-repeat",
            "--factor", factor.ToString(CultureInfo.InvariantCulture),
            "--samples", settings.LatencySamples.ToString(CultureInfo.InvariantCulture),
            "--warmup", settings.Warmup.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--window", settings.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            "--seed", seed.ToString(CultureInfo.InvariantCulture),
            "--out", output,
        ]);
        using var child = Process.Start(new ProcessStartInfo(self, args) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"{self} load-repeat did not start");
        await child.WaitForExitAsync();
        if (child.ExitCode != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"the {factor}× load repeat failed (exit code {child.ExitCode}); its output is above");
        }

        var outcome = JsonSerializer.Deserialize<LoadOutcome>(await File.ReadAllTextAsync(output), JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"{output} holds no load repeat");
        File.Delete(output);
        return outcome;
    }

    /// <summary>The hidden <c>load-repeat</c> command: one load repeat in this process, written as JSON to <paramref name="output"/>.</summary>
    public static async Task LoadRepeatToFileAsync(int factor, ReportSettings settings, int seed, string output)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var registry = Lifeline.Assets.AssetRegistryLoader.Load(RepositoryPaths.Seeds());
        var (repeat, description) = await LoadRepeatAsync(registry, factor, settings, seed);
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new LoadOutcome(repeat, description, s_influxVersion), JsonSerializerOptions.Web));
    }

    /// <summary>What a load repeat in a child process hands back.</summary>
    public sealed record LoadOutcome(LoadRepeat Repeat, string Description, string? InfluxVersion);

    /// <summary>
    /// One repeat at <paramref name="factor"/> × city load: a fresh platform on Mosquitto and InfluxDB with the in-process
    /// simulator feeding every device (MQTT devices at <paramref name="factor"/> messages/s, the Modbus devices served as
    /// slaves and polled at their own periods), then latency samples spread over the window while memory, rates and
    /// counters are sampled.
    /// </summary>
    private static async Task<(LoadRepeat Repeat, string Description)> LoadRepeatAsync(AssetRegistry registry, int factor, ReportSettings settings, int seed)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        s_influxVersion = influx.Version;
        var wal = IngestHarness.TempWal();
        var accounts = await IngestHarness.TempAccountsAsync();
        var (modbusPath, modbusDevices) = await ModbusProfileOnFreePortsAsync();
        var httpPort = FreePort.Next();
        var connections = Math.Min(256, ConnectionsPerFactor * factor);
        var app = LifelineApp.Build([
            .. StorageHarness.PlatformArguments(httpPort, mosquitto.Port, wal, accounts.Path, influx.Url),
            "--Simulator:Enabled=true",
            "--Simulator:ScenarioSet=none",
            string.Create(CultureInfo.InvariantCulture, $"--Simulator:RatePerDevice={factor}"),
            string.Create(CultureInfo.InvariantCulture, $"--Simulator:Connections={connections}"),
            string.Create(CultureInfo.InvariantCulture, $"--Simulator:MaxInFlight={InFlightPerFactor * factor}"),
            $"--Modbus:Path={modbusPath}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",
        ]);
        await app.StartAsync();
        try
        {
            var state = app.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.MqttConnectionState>();
            var forwarder = app.Services.GetRequiredService<StorageForwarder>();
            var processor = app.Services.GetRequiredService<TelemetryProcessor>();
            var simulator = app.Services.GetRequiredService<SimulatorCounters>();
            await WaitUntilAsync(() => state.IsConnected && forwarder.Status.Connection is not null && simulator.ConnectedClients == connections, TimeSpan.FromSeconds(60), "the platform, the forwarder and every simulator connection connected");

            var arrivals = System.Threading.Channels.Channel.CreateUnbounded<AlarmArrival>();

            // The first O₂-low raise seen by the client, by sensor, so a sample whose alarm comes after its wait ended is
            // still found: the waits read the channel and pass over other sensors' arrivals.
            var raised = new System.Collections.Concurrent.ConcurrentDictionary<string, AlarmArrival>(StringComparer.Ordinal);
            await using var hub = new HubConnectionBuilder()
                .WithUrl($"http://127.0.0.1:{httpPort}/hubs/alarms", o => o.AccessTokenProvider = () => Task.FromResult<string?>(accounts.Token))
                .Build();
            long pushedSeq = 0;
            hub.On<JsonElement>("AlarmChanged", e =>
            {
                Volatile.Write(ref pushedSeq, e.GetProperty("seq").GetInt64());
                var at = Stopwatch.GetTimestamp();
                var wall = TimeProvider.System.GetUtcNow();
                var pause = GC.GetTotalPauseDuration();
                // The sample's own alarm: the O₂-low threshold rule's raise. The anomaly detectors may raise alarms on the same
                // reading (a rate of change, a spike), stamped with the reading's ts instead of the evaluation time, so they
                // neither time the sample nor split its latency.
                if (e.GetProperty("state").GetString() == "Unacknowledged" && e.GetProperty("transition").GetString() == "Raised"
                    && e.GetProperty("kind").GetString() == SampleAlarmKind)
                {
                    var arrival = new AlarmArrival(e.GetProperty("sensorId").GetString()!, at, wall, e.GetProperty("changedAt").GetDateTimeOffset(), pause);
                    raised.TryAdd(arrival.SensorId, arrival); // the first (o2.low.l1 and .l2 both raise on 17.0)
                    arrivals.Writer.TryWrite(arrival);
                }
            });
            await hub.StartAsync();
            using var device = new MqttClientFactory().CreateMqttClient();
            await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("latency-device").Build());

            // Distinct sensors, so every sample is a fresh raise: O₂ of gas-cabin devices reporting over MQTT.
            var targets = registry.Devices
                .Where(d => d.TryGetChannel("o2", out _) && !modbusDevices.Contains(d.Id))
                .OrderBy(d => d.Id, StringComparer.Ordinal)
                .ToList();
            if (targets.Count < settings.LatencySamples)
            {
                throw new InvalidOperationException($"{settings.LatencySamples} latency samples asked for, but only {targets.Count} devices with an O₂ sensor report over MQTT; ask for fewer");
            }

            var random = new Random(seed);
            targets = [.. targets.OrderBy(_ => random.Next()).Take(settings.LatencySamples)];

            // The raw broker beside the platform: a plain QoS 1 subscriber to the sampled devices' topics only (they carry
            // the devices' normal readings too), so the broker's own delivery time is measured at the same moment.
            var delivered = System.Threading.Channels.Channel.CreateUnbounded<(string Topic, byte[] Payload, long At)>();
            using var raw = new MqttClientFactory().CreateMqttClient();
            raw.ApplicationMessageReceivedAsync += e =>
            {
                var at = Stopwatch.GetTimestamp();
                delivered.Writer.TryWrite((e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), at));
                return Task.CompletedTask;
            };
            await raw.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithClientId("latency-raw-subscriber").Build());
            var filters = new MqttClientSubscribeOptionsBuilder();
            foreach (var t in targets)
            {
                filters.WithTopicFilter(MqttTopics.Telemetry(t.SiteId, t.Id), MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await raw.SubscribeAsync(filters.Build());
            await Task.Delay(settings.Warmup);

            using var gcReasons = new GcReasons();
            var before = Counters.Take(simulator, processor, forwarder);
            var waitBefore = MachineProbe.RunQueueWait();
            var rss = new List<double>();
            long maxQueue = 0;
            using var stopSampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                while (await timer.WaitForNextTickAsync(stopSampling.Token).ConfigureAwait(false))
                {
                    lock (rss)
                    {
                        rss.Add(MachineProbe.RssMegabytes());
                        maxQueue = Math.Max(maxQueue, ThreadPool.PendingWorkItemCount);
                    }
                }
            });

            var samples = new List<LatencySample>();
            var pending = new List<PendingSample>();
            var lost = 0;
            var alarmService = app.Services.GetRequiredService<Lifeline.Alarms.AlarmService>();
            var pipeline = app.Services.GetRequiredService<TelemetryPipeline>();
            var sensors = app.Services.GetRequiredService<SensorStore>();
            var ingestion = app.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.IngestionMetrics>();
            var published = 0;

            // Messages the broker took from the simulator and from the sampling client that the platform has not received yet
            // (they wait in the broker's queue of its session, or in flight to it).
            long Queued() => simulator.Sent + Volatile.Read(ref published) - ingestion.Messages;
            string Diagnose(string sensorId, DateTimeOffset sampleTs)
            {
                var alarms = alarmService.ActiveIdsFor(sensorId).Select(alarmService.Find).OfType<Lifeline.Contracts.Alarms.AlarmDto>()
                    .Select(a => $"{a.Id} {a.State} ({a.Transition}{(a.Suppression is null ? string.Empty : ", " + a.Suppression)}) changed at {a.ChangedAt:HH:mm:ss.fff}").ToList();
                var newest = sensors.TryGetSensor(sensorId, out var snapshot) && snapshot.Timestamp is { } ts
                    ? string.Create(CultureInfo.InvariantCulture, $"{snapshot.Value} with ts {ts:HH:mm:ss.fff}, {(sampleTs - ts).TotalSeconds:F1} s before the sample's ts {sampleTs:HH:mm:ss.fff}{(ts < sampleTs ? " (the device's messages from the sample's moment on are not evaluated yet)" : string.Empty)}")
                    : "none";
                var rejects = string.Join(", ", ingestion.RejectsByReason().Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value}"));
                var kinds = string.Join(", ", alarmService.Snapshot().Alarms.GroupBy(a => a.Kind, StringComparer.Ordinal).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Key} {g.Count()}"));
                return $"alarm service: {(alarms.Count == 0 ? "no alarm of that sensor" : string.Join("; ", alarms))}; alarm transitions so far {alarmService.Seq:N0}, the newest pushed to the client seq {Volatile.Read(ref pushedSeq):N0}; alarms not over by kind: {(kinds.Length == 0 ? "none" : kinds)}; newest evaluated reading of that sensor: {newest}; messages accepted by the broker but not yet received by the platform: {Queued():N0}; rejects so far: {(rejects.Length == 0 ? "none" : rejects)}; pipeline backlog {pipeline.Backlog} batches; platform's MQTT session {(state.IsConnected ? "connected" : "disconnected")} ({state.Connects} connects so far, last error: {state.LastError ?? "none"})";
            }

            var slot = settings.Window / settings.LatencySamples;
            var windowStart = Stopwatch.GetTimestamp();
            for (var i = 0; i < settings.LatencySamples; i++)
            {
                // A platform that takes seconds per alarm would make the run endless: stop sampling at 3 windows.
                if (Stopwatch.GetElapsedTime(windowStart) > settings.Window * 3)
                {
                    Console.WriteLine($"{factor}× load: stopped after {i} of {settings.LatencySamples} samples (3 windows)");
                    break;
                }

                // Spread at random inside each slot of the window, so the samples do not beat with any periodic work.
                var due = (slot * i) + (slot * random.NextDouble() * 0.8);
                var wait = due - Stopwatch.GetElapsedTime(windowStart);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait);
                }

                Interlocked.Increment(ref published);
                var (sample, late) = await SampleAsync(device, targets[i], arrivals.Reader, raised, delivered.Reader, Diagnose);
                if (sample is { } measured)
                {
                    samples.Add(measured);
                }
                else
                {
                    pending.Add(late!);
                }
            }

            var remaining = settings.Window - Stopwatch.GetElapsedTime(windowStart);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }

            var after = Counters.Take(simulator, processor, forwarder);
            Console.WriteLine($"{factor}× load: {gcReasons.Summary()}");
            var waitAfter = MachineProbe.RunQueueWait();
            await stopSampling.CancelAsync();
            try
            {
                await sampler;
            }
            catch (OperationCanceledException)
            {
            }

            var seconds = (after.At - before.At).TotalSeconds;
            if (pending.Count > 0)
            {
                // Stop the load, so the platform can work off the broker's queue, and give the late alarms time to come.
                foreach (var service in app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().Where(s => s.GetType().Name == "SimulatorHostedService"))
                {
                    await service.StopAsync(CancellationToken.None);
                }

                var waiting = Stopwatch.StartNew();
                while (pending.Any(p => !p.TryResolve(raised, out _)) && waiting.Elapsed < LateLimit)
                {
                    await Task.Delay(100);
                }

                foreach (var p in pending)
                {
                    if (p.TryResolve(raised, out var sample))
                    {
                        samples.Add(sample);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"late sample: the alarm of {p.SensorId} reached the client {sample.TotalMs / 1000:F1} s after the publish (its reading was evaluated {sample.IngestMs / 1000:F1} s after it), so it is counted with that latency"));
                    }
                    else
                    {
                        lost++;
                        Console.WriteLine($"lost sample: still no alarm of {p.SensorId} {LateLimit.TotalSeconds:F0} s after the window (load stopped); {Diagnose(p.SensorId, p.Ts)}");
                    }
                }
            }

            var mqttDevices = simulator.Snapshot().Devices;
            var lag = forwarder.Status.OldestUnstoredAt is { } oldest ? Math.Max(0, (TimeProvider.System.GetUtcNow() - oldest).TotalSeconds) : 0;
            var repeat = new LoadRepeat
            {
                Samples = samples,
                Lost = lost,
                OfferedMessagesPerSecond = mqttDevices * (double)factor,
                AchievedMessagesPerSecond = (after.Sent - before.Sent) / seconds,
                EvaluatedReadingsPerSecond = (after.Evaluated - before.Evaluated) / seconds,
                StoredPointsPerSecond = (after.Stored - before.Stored) / seconds,
                StorageLagSeconds = lag,
                RssMegabytes = [.. rss],
                ProcessCores = (after.ProcessCpu - before.ProcessCpu).TotalSeconds / seconds,
                MachineCores = (after.MachineCpu - before.MachineCpu).TotalSeconds / seconds,
                Collections = [after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2],
                MaxThreadPoolQueue = maxQueue,
                LockContentions = after.Contentions - before.Contentions,
                RunQueueWait = Math.Max(0, (waitAfter - waitBefore).TotalSeconds) / seconds,
            };
            var description = factor == 1
                ? string.Create(CultureInfo.InvariantCulture, $"every one of the {registry.DeviceCount:N0} Baoshan devices reporting: {mqttDevices:N0} devices publishing a full message each second over MQTT (QoS 1, {connections} connections), and the {modbusDevices.Count} Modbus devices of `modbus.yaml` served as slaves and polled at their own periods (0.5–1 s).")
                : string.Create(CultureInfo.InvariantCulture, $"the same {mqttDevices:N0} MQTT devices each publishing {factor} messages a second (a full message every {1000 / factor} ms, {connections} connections, {InFlightPerFactor * factor} QoS 1 messages in flight), i.e. {factor}× the city's MQTT message rate; the {modbusDevices.Count} Modbus devices are polled at their normal periods (the poller's rate is not scaled).");
            return (repeat, description);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            foreach (var path in new[] { wal, $"{wal}-alarms", $"{wal}-commands", Path.GetDirectoryName(modbusPath)! })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    /// <summary>
    /// One latency sample, or, when no alarm reached the client within <see cref="AlarmTimeout"/>, the sample still
    /// waiting for its alarm (and why, on the console).
    /// </summary>
    private static async Task<(LatencySample? Sample, PendingSample? Late)> SampleAsync(IMqttClient device, Device target, ChannelReader<AlarmArrival> arrivals, System.Collections.Concurrent.ConcurrentDictionary<string, AlarmArrival> raised, ChannelReader<(string Topic, byte[] Payload, long At)> delivered, Func<string, DateTimeOffset, string> diagnose)
    {
        var sensorId = target.SensorId("o2");
        var topic = MqttTopics.Telemetry(target.SiteId, target.Id);
        var ts = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        var body = TelemetryPayloadWriter.ToBytes(ts.ToUnixTimeMilliseconds(), 1, [new("o2", 17.0)]);
        var pause = GC.GetTotalPauseDuration();

        // Both clocks read back to back (the wall clock splits the latency at the alarm's changedAt).
        var sent = Stopwatch.GetTimestamp();
        var wall = TimeProvider.System.GetUtcNow();
        await device.PublishBinaryAsync(topic, body, MqttQualityOfServiceLevel.AtLeastOnce);
        double brokerMs;
        while (true)
        {
            var (t, payload, at) = await delivered.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            if (t == topic && payload.AsSpan().SequenceEqual(body))
            {
                brokerMs = Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
                break;
            }
        }

        var waiting = new PendingSample(sensorId, ts, sent, wall, pause, brokerMs);
        while (true)
        {
            if (waiting.TryResolve(raised, out var sample))
            {
                return (sample, null);
            }

            var left = AlarmTimeout - Stopwatch.GetElapsedTime(sent);
            try
            {
                await arrivals.ReadAsync().AsTask().WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                Console.WriteLine($"late sample: no AlarmChanged (Raised, Unacknowledged) for {sensorId} within {AlarmTimeout.TotalSeconds:F0} s of publishing O₂ 17.0 to it (waiting on after the window); {diagnose(sensorId, ts)}");
                return (null, waiting);
            }
        }
    }

    /// <summary>A copy of the registry's <c>modbus.yaml</c> with every port moved to a free one (so no other run on this machine answers for our slaves), and its device ids.</summary>
    private static async Task<(string Path, HashSet<string> Devices)> ModbusProfileOnFreePortsAsync()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Seeds(), "modbus.yaml"));
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var moved = PortPattern().Replace(text, m =>
        {
            if (!ports.TryGetValue(m.Groups[1].Value, out var port))
            {
                do
                {
                    port = FreePort.Next();
                }
                while (ports.ContainsValue(port));
                ports[m.Groups[1].Value] = port;
            }

            return string.Create(CultureInfo.InvariantCulture, $"port: {port}");
        });
        var devices = DevicePattern().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var path = Path.Combine(Directory.CreateTempSubdirectory("lifeline-bench-modbus-").FullName, "modbus.yaml");
        await File.WriteAllTextAsync(path, moved);
        return (path, devices);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not {what} after {timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(20);
        }
    }

    [GeneratedRegex(@"port: (\d+)")]
    private static partial Regex PortPattern();

    [GeneratedRegex(@"\{id: ([\w-]+),")]
    private static partial Regex DevicePattern();

    private sealed record Counters(TimeSpan At, long Sent, long Evaluated, long Stored, TimeSpan ProcessCpu, TimeSpan MachineCpu, int Gen0, int Gen1, int Gen2, long Contentions)
    {
        private static readonly Stopwatch Clock = Stopwatch.StartNew();

        public static Counters Take(SimulatorCounters simulator, TelemetryProcessor processor, StorageForwarder forwarder) => new(
            Clock.Elapsed,
            simulator.Sent,
            processor.Processed,
            forwarder.Status.PointsWritten,
            MachineProbe.ProcessCpu(),
            MachineProbe.MachineCpu(),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            Monitor.LockContentionCount);
    }
}
