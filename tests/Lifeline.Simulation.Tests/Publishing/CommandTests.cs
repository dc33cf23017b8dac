using System.Text.Json;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;
using Lifeline.Testing;

namespace Lifeline.Simulation.Tests.Publishing;

/// <summary>Platform commands over a real broker: the simulated equipment obeys them, bad ones are ignored and counted.</summary>
public sealed class CommandTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact(Timeout = 60_000)]
    public async Task A_Command_Sets_The_Feedback_Channel_From_The_Next_Telemetry_On_And_Holds_It()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var device = Device(TestRegistry.GasController(1));
        var counters = new SimulatorCounters(TimeProvider.System);
        using var publisher = Publisher([device, Device(TestRegistry.GasController(2))], broker.Port, counters, new CapturingLogger());
        using var cts = new CancellationTokenSource();
        var run = publisher.RunAsync(cts.Token);
        var commandTopic = MqttTopics.Command(device.SiteId, device.Id);
        (await broker.WaitUntilAsync(_ => broker.Subscribed.Contains(commandTopic), Timeout)).ShouldBeTrue("the simulator subscribes to the device's command topic");

        // Off first, so that "on" is the command's doing and not the routine ventilation's.
        foreach (var (value, applied) in new[] { (false, 1L), (true, 2L) })
        {
            var payload = $$$"""{"id":"C00000{{{applied}}}","ts":1795793718334,"values":{"fan1_cmd":{{{(value ? "true" : "false")}}}}}""";
            await broker.PublishAsync(commandTopic, payload);
            (await WaitForAsync(() => counters.CommandsApplied >= applied)).ShouldBeTrue();
            var appliedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

            // Every reading taken after the command was applied reports it: the next one and the ones after it.
            (await broker.WaitUntilAsync(r => Readings(r, device).Count(x => x.Ts > appliedAt) >= 3, Timeout)).ShouldBeTrue();
            Readings(broker.Received, device).Where(x => x.Ts > appliedAt).ShouldAllBe(x => x.Fan1Run == value);
        }

        await cts.CancelAsync();
        await run;
        counters.CommandsRejected.ShouldBe(0);
    }

    [Fact(Timeout = 60_000)]
    public async Task Malformed_Or_Unknown_Commands_Are_Ignored_Counted_And_Logged_Once_While_Publishing_Continues()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var device = Device(TestRegistry.GasController(1));
        var counters = new SimulatorCounters(TimeProvider.System);
        var logger = new CapturingLogger();
        using var publisher = Publisher([device], broker.Port, counters, logger);
        using var cts = new CancellationTokenSource();
        var run = publisher.RunAsync(cts.Token);
        var commandTopic = MqttTopics.Command(device.SiteId, device.Id);
        (await broker.WaitUntilAsync(_ => broker.Subscribed.Contains(commandTopic), Timeout)).ShouldBeTrue();

        string[] bad =
        [
            "not json at all",
            "[1,2,3]",
            """{"id":"C1"}""",
            """{"values":{}}""",
            """{"values":{"valve9_cmd":true}}""",
            """{"values":{"fan1_cmd":"yes"}}""",
            """{"values":{"fan1_cmd":true""",
        ];
        foreach (var payload in bad)
        {
            await broker.PublishAsync(commandTopic, payload);
        }

        (await WaitForAsync(() => counters.CommandsRejected >= bad.Length)).ShouldBeTrue();
        var seen = Readings(broker.Received, device).Count;
        (await broker.WaitUntilAsync(r => Readings(r, device).Count >= seen + 5, Timeout)).ShouldBeTrue("publishing goes on");

        await cts.CancelAsync();
        await run;
        counters.CommandsRejected.ShouldBe(bad.Length);
        counters.CommandsApplied.ShouldBe(0);
        counters.Errors.ShouldBe(0);

        // Rate-limited: one warning for the burst, the rest only counted.
        logger.Entries.Count(e => e.EventId.Id == 8).ShouldBe(1);
    }

    private static List<(long Ts, bool Fan1Run)> Readings(IEnumerable<(string Topic, byte[] Payload, bool Retain)> received, Device device)
    {
        var topic = MqttTopics.Telemetry(device.SiteId, device.Id);
        var readings = new List<(long, bool)>();
        foreach (var (t, payload, _) in received)
        {
            if (t != topic)
            {
                continue;
            }

            using var json = JsonDocument.Parse(payload);
            readings.Add((json.RootElement.GetProperty("ts").GetInt64(), json.RootElement.GetProperty("values").GetProperty("fan1_run").GetBoolean()));
        }

        return readings;
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return condition();
            }
        }

        return true;
    }

    private TelemetryPublisher Publisher(IReadOnlyList<Device> devices, int port, SimulatorCounters counters, CapturingLogger logger)
    {
        var generator = new SignalGenerator(_registry, 42, TimeProvider.System.GetUtcNow(), ScenarioSchedule.Empty);
        var settings = new PublisherSettings
        {
            Host = "127.0.0.1",
            Port = port,
            RatePerDevice = 20,
            Connections = 2,
            ClientIdPrefix = $"sim-cmd-test-{Guid.NewGuid():N}",
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        return new TelemetryPublisher(devices, generator, settings, TimeProvider.System, counters, logger);
    }

    private Device Device(string id) => _registry.TryGetDevice(id, out var d) ? d : throw new InvalidOperationException(id);
}
