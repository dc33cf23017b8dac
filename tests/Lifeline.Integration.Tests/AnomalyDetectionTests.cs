using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Server.Pipeline;
using Lifeline.Simulation;
using Microsoft.Extensions.DependencyInjection;

namespace Lifeline.Integration.Tests;

/// <summary>
/// The anomaly detectors on the live stream of the real server: readings over MQTT, alarms of their own kind over the
/// SignalR hub. Each test shortens what it needs through command-line overrides of seeds/baoshan/anomaly.yaml.
/// </summary>
public sealed class AnomalyDetectionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static string Telemetry(Lifeline.Domain.Assets.Device device) => $"lifeline/{device.SiteId}/{device.Id}/telemetry";

    private static string Status(Lifeline.Domain.Assets.Device device) => $"lifeline/{device.SiteId}/{device.Id}/status";

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    [Fact]
    public async Task ValueOutsideThePhysicalRange_RaisesSensorFault_AndIsNotTheSensorsValue()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 11);
        var sensorId = controller.SensorId("o2");
        await device.PublishAsync(controller, "o2", 20.9);
        await IngestionTests.WaitForSensorValueAsync(server, sensorId, 20.9);

        // Act: O₂ 30 %vol from a 0–25 %vol cell.
        await device.PublishAsync(controller, "o2", 30.0);
        var raised = await changes.WaitForAsync(c => c.SensorId == sensorId && c.RuleId == "anomaly.sensor_fault", "the sensor-fault alarm", Wait);

        // Assert
        raised.Kind.ShouldBe("sensor_fault");
        raised.State.ShouldBe("Unacknowledged");
        raised.Priority.ShouldBe("Medium");
        raised.Value.ShouldBe(30.0);
        raised.Limit.ShouldBeNull();
        raised.Message.ShouldBe("Sensor fault: value outside the instrument range");
        var sensor = await IngestionTests.WaitForSensorAsync(server, sensorId, _ => true);
        sensor.GetProperty("value").GetDouble().ShouldBe(20.9); // rejected: neither stored nor the latest value

        // Three readings in range clear it (clear_samples 3).
        for (var i = 0; i < 3; i++)
        {
            await device.PublishAsync(controller, "o2", 20.8, Ms(TimeProvider.System.GetUtcNow().AddMilliseconds(i)));
        }

        var back = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "ReturnedUnacknowledged", "the sensor fault returning to normal", Wait);
        back.Value.ShouldBe(20.8);
    }

    [Fact]
    public async Task StuckValue_RaisesFlatline_WithAShortWindowFromTheCommandLine()
    {
        // Arrange: stuck after 5 unchanged readings (the file says 1 h).
        await using var server = await LifelineServerHost.StartEmbeddedAsync("--Anomaly:defaults:flatline:readings=5");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 12);
        var sensorId = controller.SensorId("temp");
        var start = TimeProvider.System.GetUtcNow().AddSeconds(-30);

        // Act: 21.3 °C six times, a second apart (device time).
        for (var i = 0; i < 6; i++)
        {
            await device.PublishAsync(controller, "temp", 21.3, Ms(start.AddSeconds(i)));
        }

        var raised = await changes.WaitForAsync(c => c.SensorId == sensorId && c.RuleId == "anomaly.flatline", "the flat-line alarm", Wait);

        // Assert
        raised.Kind.ShouldBe("flatline");
        raised.Priority.ShouldBe("Low");
        raised.Value.ShouldBe(21.3);
        raised.RaisedAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(Ms(start.AddSeconds(5))));
    }

    [Fact]
    public async Task SeqJump_RaisesSeqGapOnTheDevice()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 13);

        // Act: messages 11 and 12, then 15 (13 and 14 lost).
        foreach (var seq in new[] { 11, 12, 15 })
        {
            await device.PublishRawAsync(Telemetry(controller), $$$"""{"seq": {{{seq}}}, "values": {"o2": 20.9}}""");
        }

        var raised = await changes.WaitForAsync(c => c.RuleId == "anomaly.seq_gap", "the seq-gap alarm", Wait);

        // Assert
        raised.Kind.ShouldBe("seq_gap");
        raised.SensorId.ShouldBe($"{controller.Id}.device");
        raised.DeviceId.ShouldBe(controller.Id);
        raised.Value.ShouldBe(2); // messages lost
        raised.Priority.ShouldBe("Low");
    }

    [Fact]
    public async Task DeviceStopsSending_IsOfflineAfterThreeIntervals_AsItsSingleCommLossAlarm()
    {
        // Arrange: devices report every second (city.yaml), so 3 × 1 s; the pipeline timer checks every 100 ms.
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Anomaly:device_offline:interval_factor=3", "--Anomaly:device_offline:min_timeout=0", "--Pipeline:TimerInterval=00:00:00.100");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 14);
        var sensorId = $"{controller.Id}.comm";
        var seen = new List<AlarmDto>();

        // Act: one reading, then silence.
        await device.PublishAsync(controller, "o2", 20.9);
        await IngestionTests.WaitForSensorValueAsync(server, controller.SensorId("o2"), 20.9);
        var silentSince = Stopwatch.StartNew();
        var raised = await Record(changes, seen, c => c.SensorId == sensorId, "the comm-loss alarm of the silent device");
        var after = silentSince.Elapsed;

        // The device then also drops off the broker (its last will), comes back online and reports again.
        await device.PublishRawAsync(Status(controller), "offline");
        await device.PublishRawAsync(Status(controller), "online");
        await device.PublishAsync(controller, "o2", 20.9);
        var back = await Record(changes, seen, c => c.SensorId == sensorId && c.State == "ReturnedUnacknowledged", "the comm-loss alarm returning to normal");

        // Assert: offline 3 s after the last reading (not before), one alarm for the whole episode.
        output.WriteLine($"comm loss {after.TotalSeconds:0.00} s after the last reading");
        after.ShouldBeGreaterThan(TimeSpan.FromSeconds(2.5));
        after.ShouldBeLessThan(TimeSpan.FromSeconds(12));
        raised.RuleId.ShouldBe("device.comm-loss");
        raised.Kind.ShouldBe("comm loss");
        raised.State.ShouldBe("Unacknowledged");
        back.Id.ShouldBe(raised.Id);
        seen.Where(c => c.SensorId == sensorId).Select(c => c.State).ShouldBe(["Unacknowledged", "ReturnedUnacknowledged"]);
        seen.ShouldNotContain(c => c.RuleId == "anomaly.device_offline");

        // Devices never heard from are not reported (include_never_seen: false), though far more than 3 s went by.
        var snapshot = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        snapshot.Alarms.Where(a => a.RuleId == "device.comm-loss").Select(a => a.DeviceId).ShouldBe([controller.Id]);
    }

    [Fact]
    public async Task BrokerDown_LongerThanTheTimeout_DoesNotReportTheDevicesOffline()
    {
        // Arrange: a device heard from, then the platform's broker goes away for longer than the 3 s timeout.
        await using var broker = await Lifeline.Testing.MosquittoBroker.StartAsync();
        await using var server = await LifelineServerHost.StartExternalAsync(broker, "--Pipeline:TimerInterval=00:00:00.100");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        var controller = server.GasCabinDevice(skip: 16);
        await using (var before = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            await before.PublishAsync(controller, "o2", 20.9);
            await IngestionTests.WaitForSensorValueAsync(server, controller.SensorId("o2"), 20.9);
        }

        // Act: the outage (its length is the point of the test), then the broker and the device come back.
        await broker.StopAsync();
        await IngestionTests.WaitUntilAsync(() => !server.MqttState.IsConnected, "the platform noticing the broker is gone");
        await Task.Delay(TimeSpan.FromSeconds(4));
        await broker.RestartAsync();
        await server.WaitForMqttAsync(connects: 2, TimeSpan.FromSeconds(30));
        await using var after = await TestMqttPublisher.ConnectAsync(broker.Port);
        await after.PublishAsync(controller, "o2", 20.8);
        await IngestionTests.WaitForSensorValueAsync(server, controller.SensorId("o2"), 20.8);

        // Assert: the silence was the platform's, not the device's.
        var snapshot = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        snapshot.Alarms.ShouldNotContain(a => a.RuleId == "device.comm-loss");
        changes.TryRead(out var change).ShouldBeFalse(change?.ToString());
    }

    [Fact]
    public async Task FeedbackDoesNotFollowItsCommand_RaisesCommandMismatch()
    {
        // Arrange: the Baoshan kits report run feedback only, so this pairs two of a gas zone controller's boolean
        // channels through the command line to exercise the wiring: pump1_run "commands", pump2_run must follow in 1 s.
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Anomaly:command_mismatch:pairs:0:command=pump1_run",
            "--Anomaly:command_mismatch:pairs:0:feedback=pump2_run",
            "--Anomaly:command_mismatch:pairs:0:device_model=zc-gas",
            "--Anomaly:command_mismatch:pairs:0:timeout=1s",
            "--Pipeline:TimerInterval=00:00:00.100");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 15);
        var sensorId = controller.SensorId("pump2_run");

        // Act: "on", while the feedback stays off.
        await device.PublishAsync(controller, "pump2_run", false);
        await device.PublishAsync(controller, "pump1_run", true);
        var raised = await changes.WaitForAsync(c => c.SensorId == sensorId && c.RuleId == "anomaly.command_mismatch", "the command-mismatch alarm", Wait);

        // Assert
        raised.Kind.ShouldBe("command_mismatch");
        raised.Priority.ShouldBe("High");
        raised.Value.ShouldBe(0);
        await device.PublishAsync(controller, "pump2_run", true);
        await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "ReturnedUnacknowledged", "the mismatch returning to normal", Wait);
    }

    [Fact]
    public async Task InProcessSimulator_NoFaultScenario_RaisesNoAnomaly()
    {
        // Arrange: one trunk tunnel (every cabin type) over MQTT, every plant and gas station over Modbus (polled), no
        // scenario; the anomaly settings of seeds/baoshan/anomaly.yaml as they are. The Modbus slaves get free ports
        // (a copy of modbus.yaml), so another run on this machine cannot answer for them or take their ports.
        // Every device of modbus.yaml is simulated (a polled device that nobody serves is rightly in comm loss).
        string[] prefixes = ["yongchang-rd-trunk", "wwtp", "gas-", "qingquan-rd-trunk"];
        var modbus = Path.Combine(Directory.CreateTempSubdirectory("lifeline-anomaly-modbus-").FullName, "modbus.yaml");
        var map = await File.ReadAllTextAsync(Path.Combine(Lifeline.Testing.RepositoryPaths.Seeds(), "modbus.yaml"));
        var ports = new HashSet<int>();
        await File.WriteAllTextAsync(modbus, System.Text.RegularExpressions.Regex.Replace(map, @"port: 150\d\d", _ => $"port: {DistinctFreePort(ports)}"));
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            ["--Simulator:Enabled=true", "--Simulator:ScenarioSet=none", $"--Modbus:Path={modbus}", "--Anomaly:device_offline:min_timeout=0", .. prefixes.Select((p, i) => $"--Simulator:Devices:{i}={p}")]);
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        var simulated = SimulationPlan.SelectDevices(server.Registry, prefixes).Count;
        var store = server.App.Services.GetRequiredService<SensorStore>();
        var processor = server.App.Services.GetRequiredService<TelemetryProcessor>();
        var anomalies = server.App.Services.GetRequiredService<AnomalyAlarms>();

        // Act: every simulated device reporting, then 30 s of normal operation.
        await IngestionTests.WaitUntilAsync(() => store.DeviceCounts().Reporting == simulated, $"all {simulated} simulated devices reporting");
        var readings = processor.Processed;
        var watch = Stopwatch.StartNew();
        var seen = new List<AlarmDto>();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                seen.Add(await changes.ReadAsync(cts.Token));
            }
            catch (OperationCanceledException)
            {
            }
        }

        // Assert
        var snapshot = server.App.Services.GetRequiredService<AlarmService>().Snapshot();
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{simulated} devices, {processor.Processed - readings:N0} readings in {watch.Elapsed.TotalSeconds:0} s, {anomalies.Raised} anomalies, {snapshot.Alarms.Count} active alarms, {store.DeviceCounts().Reporting} reporting"));
        foreach (var alarm in snapshot.Alarms)
        {
            output.WriteLine($"{alarm.RuleId} {alarm.SensorId} {alarm.State} {alarm.Value}");
        }

        // Raised counts the offline detector's silences too, also one that joined a comm-loss alarm already raised.
        anomalies.Raised.ShouldBe(0);
        snapshot.Alarms.ShouldNotContain(a => a.RuleId.StartsWith("anomaly.", StringComparison.Ordinal) || a.RuleId == "device.comm-loss");
        seen.ShouldNotContain(a => a.RuleId.StartsWith("anomaly.", StringComparison.Ordinal) || a.RuleId == "device.comm-loss");
        Directory.Delete(Path.GetDirectoryName(modbus)!, recursive: true);
    }

    [Fact]
    public async Task InvalidOverride_StopsTheRealServerWithTheExactError()
    {
        // Act: the server binary, as an operator would start it, with a spike window the detector cannot have.
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("dotnet", typeof(Lifeline.Server.LifelineApp).Assembly.Location,
            $"--Assets:Path={Lifeline.Testing.RepositoryPaths.Seeds()}", $"--urls=http://127.0.0.1:{Lifeline.Testing.FreePort.Next()}",
            $"--Mqtt:Port={Lifeline.Testing.FreePort.Next()}", "--Anomaly:defaults:spike:window=2");

        // Assert
        exit.ShouldBe(2, stdout + stderr);
        stderr.ShouldContain("Lifeline cannot start:");
        var file = Path.Combine(Lifeline.Testing.RepositoryPaths.Seeds(), "anomaly.yaml");
        stderr.ShouldContain($"{file}: defaults.spike.window: must be 3–256, got 2 (set by configuration Anomaly:defaults:spike:window)");
        (stdout + stderr).ShouldNotContain("   at ");
    }

    private static int DistinctFreePort(HashSet<int> taken)
    {
        int port;
        while (!taken.Add(port = Lifeline.Testing.FreePort.Next()))
        {
        }

        return port;
    }

    private static async Task<AlarmDto> Record(ChannelReader<AlarmDto> changes, List<AlarmDto> seen, Func<AlarmDto, bool> match, string what)
    {
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            while (true)
            {
                var change = await changes.ReadAsync(cts.Token);
                seen.Add(change);
                if (match(change))
                {
                    return change;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }
}
