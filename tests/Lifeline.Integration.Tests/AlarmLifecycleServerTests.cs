using System.Net;
using System.Net.Http.Json;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Server.Accounts;

namespace Lifeline.Integration.Tests;

/// <summary>
/// The alarm lifecycle through the real server: shelve, acknowledge, maintenance and out of service over REST, live
/// over SignalR, and all of it — state and history — identical after a restart of the server on the same data folder.
/// </summary>
public sealed class AlarmLifecycleServerTests
{
    private sealed record HistoryResponse(DateTimeOffset From, DateTimeOffset To, bool Truncated, int Count, List<AlarmDto> Transitions);

    [Fact]
    public async Task Raise_acknowledge_shelve_then_restart_keeps_state_and_history()
    {
        string data;
        AlarmSnapshot before;
        HistoryResponse history;
        List<AlarmScopeDto> scopes;
        Device gas;
        AlarmDto o2;
        await using (var server = await LifelineServerHost.StartEmbeddedAsync())
        {
            server.KeepData();
            data = server.DataDirectory;
            var (hub, changes) = await server.ConnectHubAsync();
            await using var hubLease = hub;
            await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
            gas = server.GasCabinDevice(skip: 5);
            var effluent = server.Registry.Devices.First(d => d.Location.SiteKind == SiteKind.SewagePlant && d.TryGetChannel("bod5", out var unused));

            await device.PublishAsync(gas, "o2", 17.0);
            await device.PublishAsync(effluent, "cod", 60.0);
            o2 = await changes.WaitForAsync(c => c.SensorId == gas.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm");
            var cod = await changes.WaitForAsync(c => c.SensorId == effluent.SensorId("cod") && c.RuleId == "cod.high", "the COD alarm");

            // Shelving: a reason and a bounded time are required; life-safety alarms are not shelvable.
            (await server.Http.PostAsJsonAsync($"/api/alarms/{cod.Id}/shelve", new { minutes = 30 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await server.Http.PostAsJsonAsync($"/api/alarms/{cod.Id}/shelve", new { reason = "x", minutes = 600 })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var refused = await server.Http.PostAsJsonAsync($"/api/alarms/{o2.Id}/shelve", new { reason = "nuisance", minutes = 30 });
            refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("life-safety");

            var shelved = await server.Http.PostAsJsonAsync($"/api/alarms/{cod.Id}/shelve", new { reason = "analyser being recalibrated", minutes = 30 });
            shelved.StatusCode.ShouldBe(HttpStatusCode.OK, await shelved.Content.ReadAsStringAsync());
            var pushed = await changes.WaitForAsync(c => c.Id == cod.Id && c.Transition == "Shelved", "the shelve");
            (pushed.State, pushed.Reason).ShouldBe(("Shelved", "analyser being recalibrated"));

            (await server.Http.PostAsJsonAsync($"/api/alarms/{o2.Id}/ack", new { comment = "crew informed" })).EnsureSuccessStatusCode();
            await changes.WaitForAsync(c => c.Id == o2.Id && c.State == "Acknowledged", "the acknowledgement");

            // Maintenance and out of service are engineers' decisions.
            var zone = server.GasCabinDevice(skip: 6).Location.ZoneId!;
            (await server.Http.PutAsJsonAsync($"/api/zones/{zone}/maintenance", new { reason = "cable tray works" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            using var engineer = await server.ClientAsync(Role.Engineer, "eng.wang");
            (await engineer.PutAsJsonAsync($"/api/zones/{zone}/maintenance", new { reason = "cable tray works" })).EnsureSuccessStatusCode();
            (await engineer.PutAsJsonAsync($"/api/zones/no-such-zone/maintenance", new { reason = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await engineer.PutAsJsonAsync($"/api/sensors/{effluent.SensorId("tp")}/out-of-service", new { reason = "probe replaced" })).EnsureSuccessStatusCode();

            before = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
            history = await server.GetJsonAsync<HistoryResponse>("/api/alarms/history?from=2000-01-01T00:00:00Z");
            scopes = await server.GetJsonAsync<List<AlarmScopeDto>>("/api/alarms/scopes");
        }

        before.Alarms.ShouldContain(a => a.Id == o2.Id && a.State == "Acknowledged");
        before.Alarms.ShouldContain(a => a.RuleId == "cod.high" && a.State == "Shelved");
        history.Transitions.Count.ShouldBeGreaterThanOrEqualTo(5);
        history.Transitions.Select(t => t.Seq).ShouldBe(history.Transitions.Select(t => t.Seq).Order());
        scopes.Select(s => s.Kind).ShouldBe([AlarmScopeDto.ZoneMaintenance, AlarmScopeDto.SensorOutOfService]);

        await using (var restarted = await LifelineServerHost.StartEmbeddedAsync($"{LifelineServerHost.DataArgument}{data}"))
        {
            var after = await restarted.GetJsonAsync<AlarmSnapshot>("/api/alarms");
            after.Epoch.ShouldBe(before.Epoch);
            after.Seq.ShouldBe(before.Seq);
            after.Alarms.OrderBy(a => a.Id).ShouldBe(before.Alarms.OrderBy(a => a.Id));
            (await restarted.GetJsonAsync<HistoryResponse>("/api/alarms/history?from=2000-01-01T00:00:00Z")).Transitions.ShouldBe(history.Transitions);
            (await restarted.GetJsonAsync<List<AlarmScopeDto>>("/api/alarms/scopes")).ShouldBe(scopes);

            // The restored alarm is still tied to its rule: the sensor's return to normal clears it.
            var (hub, changes) = await restarted.ConnectHubAsync();
            await using var _ = hub;
            await using var device = await TestMqttPublisher.ConnectAsync(restarted.MqttPort);
            await device.PublishAsync(gas, "o2", 20.9);
            var latched = await changes.WaitForAsync(c => c.Id == o2.Id && c.Transition == "Cleared", "the restored alarm clearing");
            latched.State.ShouldBe("Latched");
            latched.Seq.ShouldBeGreaterThan(before.Seq);
        }
    }

    [Fact]
    public async Task A_device_going_offline_suppresses_its_alarms_until_it_is_back()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var (hub, changes) = await server.ConnectHubAsync();
        await using var hubLease = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var gas = server.GasCabinDevice(skip: 7);
        var status = $"lifeline/{gas.SiteId}/{gas.Id}/status";

        await device.PublishAsync(gas, "o2", 17.0);
        var o2 = await changes.WaitForAsync(c => c.SensorId == gas.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm");

        // Its last will: the device is offline, so its readings are stale and its alarms must not be trusted or flood.
        await device.PublishRawAsync(status, "offline");
        var commLoss = await changes.WaitForAsync(c => c.DeviceId == gas.Id && c.Kind == "comm loss", "the comm-loss alarm");
        commLoss.State.ShouldBe("Unacknowledged");
        var suppressed = await changes.WaitForAsync(c => c.Id == o2.Id && c.Transition == "Suppressed", "the suppression");
        (suppressed.State, suppressed.By, suppressed.Suppression).ShouldBe(("Suppressed", "system", $"device {gas.Id} is not communicating"));
        (await server.GetJsonAsync<AlarmSnapshot>("/api/alarms")).Alarms.Single(a => a.Id == o2.Id).State.ShouldBe("Suppressed");

        await device.PublishRawAsync(status, "online");
        (await changes.WaitForAsync(c => c.Id == commLoss.Id && c.Transition == "Cleared", "the comm-loss clearing")).State.ShouldBe("ReturnedUnacknowledged");
        var released = await changes.WaitForAsync(c => c.Id == o2.Id && c.Transition == "Unsuppressed", "the release");
        released.State.ShouldBe("Unacknowledged");
    }

    [Fact]
    public async Task History_rejects_impossible_ranges_with_the_parameter_named()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync();
        var response = await server.Http.GetAsync("/api/alarms/history?from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("from");
        (await server.Http.GetAsync("/api/alarms/history?from=yesterday")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await server.Http.GetAsync("/api/alarms/history?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
