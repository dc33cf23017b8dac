using System.Buffers;
using System.Text;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Simulation.Tests.Publishing;

public sealed class TelemetryPublisherTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact]
    public async Task Publishes_Telemetry_And_Status_To_A_Real_Broker()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var devices = Enumerable.Range(1, 3).Select(i => Device(TestRegistry.GasController(i))).ToList();
        var counters = new SimulatorCounters(TimeProvider.System);
        using var publisher = Publisher(devices, broker.Port, counters, ratePerDevice: 20, scenarios: null);
        using var cts = new CancellationTokenSource();

        var run = publisher.RunAsync(cts.Token);
        var arrived = await broker.WaitUntilAsync(r => devices.All(d => r.Count(m => m.Topic == MqttTopics.Telemetry(d.SiteId, d.Id)) >= 5), Timeout);
        await cts.CancelAsync();
        await run;
        var offline = await broker.WaitUntilAsync(r => devices.All(d => r.Any(m => m.Topic == MqttTopics.Status(d.SiteId, d.Id) && m.Payload.SequenceEqual("offline"u8.ToArray()))), Timeout);

        arrived.ShouldBeTrue();
        offline.ShouldBeTrue("a clean stop publishes offline");
        var received = broker.Received.ToArray();
        foreach (var device in devices)
        {
            var telemetry = received.Where(m => m.Topic == $"lifeline/yongchang-rd/{device.Id}/telemetry").ToList();
            var seqs = new List<long>();
            foreach (var (_, payload, _) in telemetry)
            {
                var parsed = TelemetryPayloadReader.Parse(new ReadOnlySequence<byte>(payload));
                parsed.IsRejected.ShouldBeFalse(parsed.Detail);
                var message = parsed.Messages.ShouldHaveSingleItem();
                message.Error.ShouldBe(PayloadError.None);
                message.Ts.ShouldNotBeNull();
                message.Values.Select(v => v.Channel).ShouldBe(device.Channels.Select(c => c.Name));
                message.Values.ShouldAllBe(v => v.Error == PayloadError.None);
                seqs.Add(message.Seq!.Value);
            }

            seqs.ShouldBe(seqs.Order().ToList());
            seqs.Distinct().Count().ShouldBe(seqs.Count);
            seqs[0].ShouldBeGreaterThanOrEqualTo(1);

            var statuses = received.Where(m => m.Topic == MqttTopics.Status(device.SiteId, device.Id)).Select(m => Encoding.UTF8.GetString(m.Payload)).ToList();
            statuses.First().ShouldBe(MqttTopics.Online);
            statuses.Last().ShouldBe(MqttTopics.Offline, "a clean stop publishes offline");
        }

        counters.Sent.ShouldBeGreaterThanOrEqualTo(15);
        counters.Errors.ShouldBe(0, counters.Snapshot().LastError);
    }

    [Fact]
    public async Task Connects_With_Credentials_To_A_Mosquitto_That_Refuses_Anonymous_Clients()
    {
        await using var broker = await Lifeline.Testing.MosquittoBroker.StartAsync(user: "sim", password: "sim-secret");
        var devices = new List<Device> { Device(TestRegistry.GasController(1)) };
        var rightCounters = new SimulatorCounters(TimeProvider.System);
        var wrongCounters = new SimulatorCounters(TimeProvider.System);
        using var right = Publisher(devices, broker.Port, rightCounters, ratePerDevice: 20, scenarios: null, credentials: ("sim", "sim-secret"));
        using var wrong = Publisher(devices, broker.Port, wrongCounters, ratePerDevice: 20, scenarios: null, credentials: ("sim", "wrong"));
        using var cts = new CancellationTokenSource();

        var runs = new[] { right.RunAsync(cts.Token), wrong.RunAsync(cts.Token) };
        await WaitForAsync(() => rightCounters.Sent >= 5 && wrongCounters.Errors >= 1);
        await cts.CancelAsync();
        await Task.WhenAll(runs);

        rightCounters.Errors.ShouldBe(0, rightCounters.Snapshot().LastError);
        wrongCounters.Sent.ShouldBe(0);
        wrongCounters.Snapshot().LastError.ShouldNotBeNull().ShouldContain("NotAuthorized");
    }

    [Fact]
    public async Task Device_Offline_Scenario_Publishes_Offline_Status_And_Stops_Its_Telemetry()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var devices = new[] { Device(TestRegistry.GasController(1)), Device(TestRegistry.GasController(2)) };
        var offlineTopic = MqttTopics.Status(TestRegistry.Site, TestRegistry.GasController(2));
        var offlineTelemetry = MqttTopics.Telemetry(TestRegistry.Site, TestRegistry.GasController(2));
        using var publisher = Publisher(devices, broker.Port, new SimulatorCounters(TimeProvider.System), 20, [$"device-offline@{TestRegistry.GasController(2)}+0s"]);
        using var cts = new CancellationTokenSource();

        var run = publisher.RunAsync(cts.Token);
        var online = await broker.WaitUntilAsync(r => r.Count(m => m.Topic == MqttTopics.Telemetry(TestRegistry.Site, TestRegistry.GasController(1))) >= 10, Timeout);
        await cts.CancelAsync();
        await run;

        online.ShouldBeTrue();
        broker.Received.ShouldNotContain(m => m.Topic == offlineTelemetry);
        broker.Received.Where(m => m.Topic == offlineTopic).Select(m => Encoding.UTF8.GetString(m.Payload)).ShouldAllBe(s => s == MqttTopics.Offline);
    }

    [Fact]
    public async Task Reconnects_When_The_Broker_Restarts()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var device = Device(TestRegistry.GasController(1));
        var topic = MqttTopics.Telemetry(device.SiteId, device.Id);
        var counters = new SimulatorCounters(TimeProvider.System);
        using var publisher = Publisher([device], broker.Port, counters, 20, null);
        using var cts = new CancellationTokenSource();

        var run = publisher.RunAsync(cts.Token);
        (await broker.WaitUntilAsync(r => r.Any(m => m.Topic == topic), Timeout)).ShouldBeTrue();
        await broker.StopServerAsync();
        broker.Received.Clear();
        await broker.StartServerAsync();
        await broker.SubscribeAsync();
        var resumed = await broker.WaitUntilAsync(r => r.Count(m => m.Topic == topic) >= 3, Timeout);
        await cts.CancelAsync();
        await run;

        resumed.ShouldBeTrue();
        counters.ConnectedClients.ShouldBe(0);
    }

    [Fact]
    public async Task Keeps_Retrying_While_No_Broker_Listens()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero));
        var counters = new SimulatorCounters(time);
        await using var broker = await EmbeddedBroker.StartAsync();
        var port = broker.Port;
        await broker.StopServerAsync();
        using var publisher = Publisher([Device(TestRegistry.GasController(1))], port, counters, 1, null, time);
        using var cts = new CancellationTokenSource();

        var run = publisher.RunAsync(cts.Token);
        await WaitForAsync(() => counters.Errors >= 1);
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            // Each failed attempt waits for its backoff on the fake clock: nothing happens until the clock moves.
            var expected = attempt;
            await WaitForAsync(() =>
            {
                time.Advance(TimeSpan.FromMilliseconds(200));
                return counters.Errors >= expected;
            });
        }

        await cts.CancelAsync();
        await run;
        counters.Errors.ShouldBeGreaterThanOrEqualTo(3);
        counters.Sent.ShouldBe(0);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            await Task.Delay(10, cts.Token);
        }
    }

    private TelemetryPublisher Publisher(IReadOnlyList<Device> devices, int port, SimulatorCounters counters, double ratePerDevice, string[]? scenarios, TimeProvider? time = null, (string User, string Password)? credentials = null)
    {
        time ??= TimeProvider.System;
        var schedule = new ScenarioSchedule((scenarios ?? []).Select(s => ScenarioResolver.Resolve(s, _registry)));
        var generator = new SignalGenerator(_registry, 42, time.GetUtcNow(), schedule);
        var settings = new PublisherSettings
        {
            Host = "127.0.0.1",
            Port = port,
            RatePerDevice = ratePerDevice,
            Connections = 2,
            ClientIdPrefix = $"sim-test-{Guid.NewGuid():N}",
            ReconnectMinDelay = TimeSpan.FromMilliseconds(100),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            Username = credentials?.User,
            Password = credentials?.Password,
        };
        return new TelemetryPublisher(devices, generator, settings, time, counters, NullLogger.Instance);
    }

    private Device Device(string id) => _registry.TryGetDevice(id, out var d) ? d : throw new InvalidOperationException(id);
}
