using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>Bad input is rejected with counted reasons without touching other readings; a broker restart is survived.</summary>
public sealed class IngestionTests
{
    [Fact]
    public async Task BadMessages_AreRejectedWithReasons_AndGoodReadingsStillArrive()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 5);
        var topic = $"lifeline/{controller.SiteId}/{controller.Id}/telemetry";

        // Act: one of each kind of bad input, then a payload mixing one bad and one good value.
        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": 20.1");
        await device.PublishRawAsync($"lifeline/{controller.SiteId}/no-such-device/telemetry", "{\"values\": {\"o2\": 20.1}}");
        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": \"high\"}}");
        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": 99}}");
        await device.PublishRawAsync(topic, "{\"values\": {\"bogus\": 1}}");
        await device.PublishRawAsync(topic, $"{{\"ts\": {TimeProvider.System.GetUtcNow().AddDays(1).ToUnixTimeMilliseconds()}, \"values\": {{\"o2\": 20.1}}}}");
        await device.PublishRawAsync(topic, "{\"values\": {\"o2\": 20.4, \"temp\": true}}");

        // Assert: the good value of the mixed payload is the sensor's latest value.
        var sensor = await WaitForSensorValueAsync(server, controller.SensorId("o2"), 20.4);
        sensor.GetProperty("quality").GetString().ShouldBe("Good");
        using var health = JsonDocument.Parse(await server.Http.GetStringAsync("/health"));
        var rejects = health.RootElement.GetProperty("checks").GetProperty("pipeline").GetProperty("data").GetProperty("rejectsByReason");
        rejects.GetProperty("MalformedJson").GetInt64().ShouldBe(1);
        rejects.GetProperty("UnknownDevice").GetInt64().ShouldBe(1);
        rejects.GetProperty("WrongValueType").GetInt64().ShouldBe(1);
        rejects.GetProperty("OutOfPhysicalRange").GetInt64().ShouldBe(1);
        rejects.GetProperty("UnknownChannel").GetInt64().ShouldBe(1);
        rejects.GetProperty("TimestampInFuture").GetInt64().ShouldBe(1);
        rejects.GetProperty("ChannelTypeMismatch").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task MosquittoRestart_DuringStream_IngestionResumesByItself()
    {
        // Arrange
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await LifelineServerHost.StartExternalAsync(broker);
        var controller = server.GasCabinDevice(skip: 6);
        var sensorId = controller.SensorId("temp");
        await using (var before = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            await before.PublishAsync(controller, "temp", 21.5);
            await WaitForSensorValueAsync(server, sensorId, 21.5);
        }

        // Act: the broker dies and comes back on the same port, as after a crash or an upgrade.
        await broker.StopAsync();
        await broker.RestartAsync();
        await server.WaitForMqttAsync(connects: 2, TimeSpan.FromSeconds(30));
        await using var after = await TestMqttPublisher.ConnectAsync(broker.Port);
        for (var i = 0; i < 20; i++)
        {
            await after.PublishAsync(controller, "temp", 22.0 + (i / 10.0));
        }

        // Assert: the stream after the restart arrives, complete to its last reading.
        await WaitForSensorValueAsync(server, sensorId, 23.9);
        server.MqttState.Connects.ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task MosquittoRestart_WhileSimulatorStreams_BothSidesReconnectAndReadingsFlowAgain()
    {
        // Arrange: the simulator streams one cabin's controllers through Mosquitto into the platform.
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await LifelineServerHost.StartExternalAsync(
            broker, "--Simulator:Enabled=true", "--Simulator:Devices:0=qingbao-rd-trunk-gas-", "--Simulator:ScenarioSet=none");
        var processor = server.App.Services.GetRequiredService<Lifeline.Server.Pipeline.TelemetryProcessor>();
        await WaitUntilAsync(() => processor.Processed > 200, "readings before the restart");

        // Act
        await broker.StopAsync();
        await broker.RestartAsync();
        await server.WaitForMqttAsync(connects: 2, TimeSpan.FromSeconds(30));
        var afterReconnect = processor.Processed;

        // Assert: the stream continues by itself, with no operator action on either side.
        await WaitUntilAsync(() => processor.Processed > afterReconnect + 200, "readings after the restart");
    }

    [Fact]
    public async Task PlatformRestart_MessagesPublishedWhileItWasDown_AreDeliveredExactlyOnce()
    {
        // Arrange: the platform's persistent session exists on the broker, then the platform stops.
        await using var broker = await MosquittoBroker.StartAsync();
        var clientId = "lifeline-restart-" + Guid.NewGuid().ToString("N")[..8];
        var first = await LifelineServerHost.StartExternalAsync(broker, $"--Mqtt:ClientId={clientId}");
        var controller = first.GasCabinDevice(skip: 8);
        await first.DisposeAsync();

        // Act: a device keeps reporting while the platform is down; then the platform comes back.
        await using (var device = await TestMqttPublisher.ConnectAsync(broker.Port))
        {
            for (var i = 0; i < 50; i++)
            {
                await device.PublishAsync(controller, "temp", 30.0 + (i / 100.0));
            }
        }

        await using var second = await LifelineServerHost.StartExternalAsync(broker, $"--Mqtt:ClientId={clientId}");

        // Assert: the broker kept the session's queue; every reading arrives once.
        await WaitForSensorValueAsync(second, controller.SensorId("temp"), 30.49);
        var processor = second.App.Services.GetRequiredService<Lifeline.Server.Pipeline.TelemetryProcessor>();
        processor.Processed.ShouldBe(50);
    }

    [Fact]
    public async Task DeviceStatus_OfflineMessage_MarksItsSensors()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 7);
        await device.PublishAsync(controller, "o2", 20.8);
        await WaitForSensorValueAsync(server, controller.SensorId("o2"), 20.8);

        await device.PublishRawAsync($"lifeline/{controller.SiteId}/{controller.Id}/status", "offline");

        var sensor = await WaitForSensorAsync(server, controller.SensorId("o2"), s => s.GetProperty("quality").GetString() == "DeviceOffline");
        sensor.GetProperty("deviceOnline").GetBoolean().ShouldBeFalse();

        // A comm-loss alarm on the device, which returns to normal (unacknowledged) when it is back online.
        var (hub, changes) = await server.ConnectHubAsync();
        await using (hub)
        {
            var snapshot = await server.GetJsonAsync<JsonElement>("/api/alarms");
            var alarm = snapshot.GetProperty("alarms").EnumerateArray().Single(a => a.GetProperty("sensorId").GetString() == $"{controller.Id}.comm");
            alarm.GetProperty("ruleId").GetString().ShouldBe("device.comm-loss");
            alarm.GetProperty("kind").GetString().ShouldBe("comm loss");
            alarm.GetProperty("state").GetString().ShouldBe("Unacknowledged");

            await device.PublishRawAsync($"lifeline/{controller.SiteId}/{controller.Id}/status", "online");

            // (The raise may still be on its way to a hub that connected just after it: wait for the clear itself.)
            var back = await changes.WaitForAsync(c => c.SensorId == $"{controller.Id}.comm" && c.Transition == "Cleared", "the comm-loss alarm returning to normal");
            back.State.ShouldBe("ReturnedUnacknowledged");
        }
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (!condition())
            {
                await Task.Delay(25, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }

    internal static Task<JsonElement> WaitForSensorValueAsync(LifelineServerHost server, string sensorId, double value) =>
        WaitForSensorAsync(server, sensorId, s => s.GetProperty("value").ValueKind == JsonValueKind.Number && Math.Abs(s.GetProperty("value").GetDouble() - value) < 1e-9);

    internal static async Task<JsonElement> WaitForSensorAsync(LifelineServerHost server, string sensorId, Func<JsonElement, bool> match)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        JsonElement last = default;
        try
        {
            while (true)
            {
                using var doc = JsonDocument.Parse(await server.Http.GetStringAsync($"/api/sensors/{sensorId}", cts.Token));
                last = doc.RootElement.Clone();
                if (match(last))
                {
                    return last;
                }

                await Task.Delay(25, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"sensor {sensorId} never matched; last: {last}");
        }
    }
}
