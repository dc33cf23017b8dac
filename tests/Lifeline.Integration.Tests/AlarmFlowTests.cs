using System.Net;
using System.Net.Http.Json;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>A reading published over MQTT becomes a live alarm at a SignalR client; acknowledging it over REST pushes the new state.</summary>
public sealed class AlarmFlowTests
{
    [Fact]
    public async Task EmbeddedBroker_O2Reading17_PushesAlarmAndAcknowledgedState()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice();
        var sensorId = controller.SensorId("o2");

        // Act
        await device.PublishAsync(controller, "o2", 17.0);
        var raised = await changes.WaitForAsync(c => c.SensorId == sensorId && c.RuleId == "o2.low.l2", "the O₂ L2 alarm");

        // Assert
        raised.State.ShouldBe("Unacknowledged");
        raised.Priority.ShouldBe("Critical");
        raised.Kind.ShouldBe("o2_low");
        raised.Value.ShouldBe(17.0);
        raised.Limit.ShouldBe(18.0);
        raised.SiteId.ShouldBe(controller.SiteId);
        raised.DeviceId.ShouldBe(controller.Id);
        raised.ZoneId.ShouldBe(controller.Location.ZoneId);
        raised.Location.ShouldNotBeNullOrEmpty();

        var response = await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = "zhang.wei" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var acked = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Acknowledged", "the acknowledged state");
        acked.AcknowledgedBy.ShouldBe(LifelineServerHost.OperatorName); // the signed-in user, not the body's "user"
        acked.AcknowledgedAt.ShouldNotBeNull();
        acked.Seq.ShouldBeGreaterThan(raised.Seq);

        var snapshot = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        snapshot.Alarms.ShouldContain(a => a.Id == raised.Id && a.State == "Acknowledged");
        snapshot.Seq.ShouldBeGreaterThanOrEqualTo(acked.Seq);
    }

    [Fact]
    public async Task MosquittoPub_O2Reading17_ReachesSignalRClientAsAlarm()
    {
        // Arrange
        await using var broker = await MosquittoBroker.StartAsync();
        await using var server = await LifelineServerHost.StartExternalAsync(broker);
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        var controller = server.GasCabinDevice(skip: 1);
        var topic = $"lifeline/{controller.SiteId}/{controller.Id}/telemetry";

        // Act: the independent command-line client, as a commissioning engineer would.
        var exit = await ProcessRunner.RunAsync("mosquitto_pub", "-h", "127.0.0.1", "-p", broker.Port.ToString(), "-q", "1", "-i", "commissioning",
            "-t", topic, "-m", """{"seq": 1, "values": {"o2": 17.0}}""");
        exit.ExitCode.ShouldBe(0, exit.Output);
        var raised = await changes.WaitForAsync(c => c.SensorId == controller.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm from mosquitto_pub");

        // Assert
        raised.State.ShouldBe("Unacknowledged");
        var response = await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = "li.na" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var acked = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Acknowledged", "the acknowledged state");
        acked.AcknowledgedBy.ShouldBe(LifelineServerHost.OperatorName); // the signed-in user, not the body's "user"
    }

    [Fact]
    public async Task ClearedAfterAck_AlarmIsOver_AndLeavesActiveList()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 2);

        await device.PublishAsync(controller, "o2", 17.0);
        var raised = await changes.WaitForAsync(c => c.SensorId == controller.SensorId("o2") && c.RuleId == "o2.low.l2", "raise");
        (await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = "op" })).EnsureSuccessStatusCode();
        await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Acknowledged", "ack");
        await device.PublishAsync(controller, "o2", 20.9);

        // A life-safety alarm latches: it is over only once an operator resets it.
        await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Latched", "the latched state");
        (await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/reset", new { user = "op" })).EnsureSuccessStatusCode();
        var over = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "Normal", "the return to normal");

        over.ClearedAt.ShouldNotBeNull();
        var snapshot = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        snapshot.Alarms.ShouldNotContain(a => a.Id == raised.Id);
        var notFound = await server.Http.PostAsJsonAsync($"/api/alarms/{raised.Id}/ack", new { user = "op" });
        notFound.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await notFound.Content.ReadAsStringAsync()).ShouldContain(raised.Id);
    }

    [Fact]
    public async Task DisconnectedClient_CatchesUpThroughChangesSince()
    {
        // Arrange: a console sees the first alarm, then loses its connection.
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var first = server.GasCabinDevice(skip: 3);
        var second = server.GasCabinDevice(skip: 4);
        await device.PublishAsync(first, "o2", 17.0);
        var seen = await changes.WaitForAsync(c => c.SensorId == first.SensorId("o2") && c.RuleId == "o2.low.l2", "first alarm");
        var lastSeen = seen.Seq;
        await hub.StopAsync();
        await hub.DisposeAsync();

        // Act: transitions happen while it is away.
        var (watcher, watched) = await server.ConnectHubAsync();
        await using var __ = watcher;
        await device.PublishAsync(first, "o2", 20.9);
        await device.PublishAsync(second, "o2", 17.5);
        await watched.WaitForAsync(c => c.SensorId == second.SensorId("o2") && c.RuleId == "o2.low.l2", "second alarm");
        var epoch = (await server.GetJsonAsync<AlarmSnapshot>("/api/alarms")).Epoch;
        var changesSince = await server.GetJsonAsync<AlarmChanges>($"/api/alarms/changes?since={lastSeen}&epoch={epoch}");
        var otherRun = await server.GetJsonAsync<AlarmChanges>($"/api/alarms/changes?since={lastSeen}&epoch=before-a-restart");

        // Assert: every transition after the last seq it saw, in order, none missing.
        changesSince.Truncated.ShouldBeFalse();
        changesSince.Changes.Select(c => c.Seq).ShouldBe(Enumerable.Range(0, changesSince.Changes.Count).Select(i => lastSeen + 1 + i));
        changesSince.Changes.ShouldContain(c => c.Id == seen.Id && c.State == "ReturnedUnacknowledged");
        changesSince.Changes.ShouldContain(c => c.SensorId == second.SensorId("o2") && c.State == "Unacknowledged");
        changesSince.Seq.ShouldBe(changesSince.Changes[^1].Seq);
        otherRun.Truncated.ShouldBeTrue();
        otherRun.Changes.ShouldBeEmpty();
    }

    [Fact]
    public async Task ChangesSince_InvalidSeq_IsProblemDetails()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();

        var response = await server.Http.GetAsync("/api/alarms/changes?since=abc");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("non-negative integer");
    }
}
