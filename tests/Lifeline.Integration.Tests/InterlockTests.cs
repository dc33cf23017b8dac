using System.Diagnostics;
using System.Text.Json;

namespace Lifeline.Integration.Tests;

/// <summary>
/// The whole interlock chain in the real server with the in-process simulator: a gas leak raises CH₄ in a gas-cabin
/// zone, the interlock starts the fans of that zone and its neighbours over MQTT, the simulated controllers obey and
/// report their run feedback (confirming the commands), the fans clear the gas, and the alarm returns to normal.
/// </summary>
public sealed class InterlockTests
{
    [Fact]
    public async Task GasLeak_StartsZoneAndNeighbourFans_ConfirmedByFeedback_GasFallsAndAlarmClears()
    {
        // Arrange: one gas cabin's zone controllers, a leak in zone 7 one second in; fans clear gas with a 5 s time constant.
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Simulator:Enabled=true",
            "--Modbus:Enabled=false",
            "--Simulator:Devices:0=baoxiu-rd-trunk-gas-z00",
            "--Simulator:ScenarioSet=none",
            "--Simulator:Scenarios:0=gas-leak@baoxiu-rd-trunk-gas-z007+1s~10m",
            "--Simulator:VentilationTimeConstant=00:00:05");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;

        // Act: the leak raises the CH₄ alarm.
        var raised = await changes.WaitForAsync(c => c.RuleId == "ch4.high.l1" && c.State == "Unacknowledged", "the CH₄ alarm", TimeSpan.FromSeconds(120));
        raised.ZoneId.ShouldBe("baoxiu-rd-trunk-gas-z007");

        // Assert: both fans of zones 6, 7 and 8 commanded over MQTT and confirmed by their run feedback.
        string[] zones = ["baoxiu-rd-trunk-gas-z006-ctl", "baoxiu-rd-trunk-gas-z007-ctl", "baoxiu-rd-trunk-gas-z008-ctl"];
        var confirmed = await WaitForCommandsAsync(server, records =>
            zones.All(d => records.Any(r => r.Device == d && r.Channel == "fan1_cmd" && r.Outcome == "Confirmed")
                        && records.Any(r => r.Device == d && r.Channel == "fan2_cmd" && r.Outcome == "Confirmed")));
        confirmed.ShouldAllBe(r => r.Route == "Mqtt" && r.Value == 1);
        confirmed.ShouldNotContain(r => r.Device == "baoxiu-rd-trunk-gas-z005-ctl" || r.Device == "baoxiu-rd-trunk-gas-z009-ctl");
        (await server.GetJsonAsync<JsonElement>("/api/sensors/baoxiu-rd-trunk-gas-z007-ctl.fan1_run")).GetProperty("value").GetDouble().ShouldBe(1);

        // The fans clear the gas: the alarm's condition goes away while the leak goes on.
        var cleared = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "ReturnedUnacknowledged", "the CH₄ alarm returning to normal", TimeSpan.FromSeconds(120));
        cleared.Value!.Value.ShouldBeLessThan(20);
        var alarms = await server.GetJsonAsync<JsonElement>("/api/alarms");
        alarms.GetProperty("alarms").EnumerateArray().ShouldNotContain(a => a.GetProperty("ruleId").GetString() == "device.command-unconfirmed");
    }

    [Fact]
    public async Task OperatorCommand_FromTheApi_IsConfirmedByFeedbackAndAudited()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Simulator:Enabled=true",
            "--Modbus:Enabled=false",
            "--Simulator:Devices:0=baoxiu-rd-trunk-gas-z00",
            "--Simulator:ScenarioSet=none");
        const string device = "baoxiu-rd-trunk-gas-z004-ctl";

        // The console lists the device's outputs.
        var outputs = await server.GetJsonAsync<JsonElement>($"/api/devices/{device}/commands");
        outputs.EnumerateArray().Select(o => o.GetProperty("channel").GetString()).ShouldBe(["fan1_cmd", "fan2_cmd", "pump1_cmd", "pump2_cmd"], ignoreOrder: true);
        outputs.EnumerateArray().Single(o => o.GetProperty("channel").GetString() == "fan2_cmd").GetProperty("feedback").GetString().ShouldBe("fan2_run");

        // Act: an operator starts fan 2.
        using var response = await server.Http.PostAsync($"/api/devices/{device}/commands", Json("{\"channel\": \"fan2_cmd\", \"value\": true, \"user\": \"operator-li\", \"reason\": \"inspection\"}"));
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var id = accepted.RootElement.GetProperty("id").GetString();

        // Assert: confirmed by the simulated controller's feedback, in the audit trail with the operator's name.
        var stopwatch = Stopwatch.StartNew();
        JsonElement record;
        do
        {
            record = await server.GetJsonAsync<JsonElement>($"/api/commands/{id}");
            if (record.GetProperty("outcome").GetString() != "Pending")
            {
                break;
            }

            await Task.Delay(100);
        }
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30));

        record.GetProperty("outcome").GetString().ShouldBe("Confirmed", record.ToString());
        record.GetProperty("user").GetString().ShouldBe(LifelineServerHost.OperatorName); // the signed-in user, not the body's "user"
        (await server.GetJsonAsync<JsonElement>($"/api/sensors/{device}.fan2_run")).GetProperty("value").GetDouble().ShouldBe(1);

        // A command to something that is not an output is refused with the reason.
        using var refused = await server.Http.PostAsync($"/api/devices/{device}/commands", Json("{\"channel\": \"o2\", \"value\": true}"));
        refused.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");

    internal sealed record Command(string Device, string Channel, double Value, string Outcome, string Route);

    /// <summary>Polls the command audit trail until <paramref name="done"/> holds (60 s unless <paramref name="timeout"/> says otherwise).</summary>
    internal static async Task<IReadOnlyList<Command>> WaitForCommandsAsync(LifelineServerHost server, Func<IReadOnlyList<Command>, bool> done, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<Command> records = [];
        while (stopwatch.Elapsed < limit)
        {
            var json = await server.GetJsonAsync<JsonElement>("/api/commands?limit=100");
            records = json.EnumerateArray().Select(r => new Command(
                r.GetProperty("deviceId").GetString()!,
                r.GetProperty("channel").GetString()!,
                r.GetProperty("value").GetDouble(),
                r.GetProperty("outcome").GetString()!,
                r.GetProperty("route").GetString()!)).ToList();
            if (done(records))
            {
                return records;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"commands not confirmed within {limit.TotalSeconds:0} s; records: {string.Join("; ", records)}");
    }
}
