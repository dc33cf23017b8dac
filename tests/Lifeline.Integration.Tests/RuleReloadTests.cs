using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lifeline.Alarms;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Testing;

using Lifeline.Server.Accounts;

namespace Lifeline.Integration.Tests;

/// <summary>
/// rules.yaml reloaded without a restart, on a server started on a copy of the seeds: a changed limit on disk takes effect
/// (file watcher), and a broken file on reload leaves the previous rules in force with its errors reported.
/// </summary>
public sealed class RuleReloadTests : IDisposable
{
    private readonly string _seeds = CopyOfSeeds();
    private long _seq;

    private string RulesFile => Path.Combine(_seeds, "rules.yaml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_seeds, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string CopyOfSeeds()
    {
        var target = Directory.CreateTempSubdirectory("lifeline-rules-").FullName;
        foreach (var file in Directory.GetFiles(RepositoryPaths.Seeds()))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    /// <summary>Appends an item to the last list of rules.yaml (overrides) and returns its 1-based line.</summary>
    private int AppendOverride(string item)
    {
        var text = File.ReadAllText(RulesFile);
        File.AppendAllText(RulesFile, $"  - {item}\n");
        return text.Count(c => c == '\n') + 1;
    }

    /// <summary>One message with several values: they are evaluated in this order, in one batch.</summary>
    private Task PublishAsync(TestMqttPublisher publisher, Device device, params KeyValuePair<string, object>[] values) =>
        publisher.PublishRawAsync(
            MqttTopics.Telemetry(device.SiteId, device.Id),
            Encoding.UTF8.GetString(TelemetryPayloadWriter.ToBytes(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), Interlocked.Increment(ref _seq), values)));

    private static KeyValuePair<string, object> Value(string channel, double value) => new(channel, value);

    private static async Task<JsonElement> WaitForRulesAsync(LifelineServerHost server, Func<JsonElement, bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var rules = await server.GetJsonAsync<JsonElement>("/api/rules");
                if (condition(rules))
                {
                    return rules;
                }

                await Task.Delay(50, cts.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }
    }

    private static double? EffectiveLimit(JsonElement sensorRules, string ruleId) =>
        sensorRules.GetProperty("rules").EnumerateArray()
            .Where(r => r.GetProperty("id").GetString() == ruleId)
            .Select(r => (double?)r.GetProperty("limit").GetDouble())
            .SingleOrDefault();

    [Fact]
    public async Task FileChanged_LimitLowered_ReadingThatDidNotAlarmNowAlarms()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--Assets:Path={_seeds}", "--Rules:Debounce=00:00:00.200");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice();
        var (ch4, o2) = (controller.SensorId("ch4"), controller.SensorId("o2"));
        var before = await server.GetJsonAsync<JsonElement>("/api/rules");
        before.GetProperty("watching").GetBoolean().ShouldBeTrue();
        before.GetProperty("lastReload").ValueKind.ShouldBe(JsonValueKind.Null);

        // 15 %LEL is below ch4.high.l1 (20): no alarm. The O₂ value of the same message is evaluated right after it,
        // so its alarm arriving first shows the CH₄ value was evaluated and raised nothing.
        await PublishAsync(publisher, controller, Value("ch4", 15), Value("o2", 17));
        var first = await changes.WaitForAsync(c => c.SensorId == ch4 || (c.SensorId == o2 && c.RuleId == "o2.low.l2"), "the O₂ alarm after the CH₄ value");
        first.SensorId.ShouldBe(o2);

        // Act: lower the limit for this device on disk.
        AppendOverride($"{{rule: ch4.high.l1, device: {controller.Id}, limit: 12, message: \"CH₄ ≥ 12 %LEL (test override)\"}}");
        var reloaded = await WaitForRulesAsync(
            server,
            r => r.GetProperty("lastReload") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("ok").GetBoolean(),
            "the reload of the changed rules.yaml");
        await PublishAsync(publisher, controller, Value("ch4", 15));
        var raised = await changes.WaitForAsync(c => c.SensorId == ch4 && c.RuleId == "ch4.high.l1", "the CH₄ alarm under the new limit");

        // Assert
        var last = reloaded.GetProperty("lastReload");
        last.GetProperty("trigger").GetString().ShouldBe("File");
        last.GetProperty("errors").GetArrayLength().ShouldBe(0);
        last.GetProperty("changed").EnumerateArray().Select(e => e.GetString()).ShouldBe(["ch4.high.l1"]);
        last.GetProperty("clearedAlarms").GetInt32().ShouldBe(0);
        raised.State.ShouldBe("Unacknowledged");
        raised.Limit.ShouldBe(12);
        raised.Value.ShouldBe(15);
        raised.Message.ShouldBe("CH₄ ≥ 12 %LEL (test override)");
        EffectiveLimit(await server.GetJsonAsync<JsonElement>($"/api/rules?sensor={ch4}"), "ch4.high.l1").ShouldBe(12);
        EffectiveLimit(await server.GetJsonAsync<JsonElement>($"/api/rules?sensor={server.GasCabinDevice(skip: 1).SensorId("ch4")}"), "ch4.high.l1").ShouldBe(20);

        // The O₂ rule did not change: its alarm kept its state through the reload.
        var snapshot = await server.GetJsonAsync<AlarmSnapshot>("/api/alarms");
        snapshot.Alarms.ShouldContain(a => a.Id == first.Id && a.State == "Unacknowledged");
    }

    [Fact]
    public async Task ReloadEndpoint_BrokenRulesFile_KeepsThePreviousRulesAndReportsTheErrors()
    {
        // Arrange: no watcher, so only the endpoint reloads.
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--Assets:Path={_seeds}", "--Rules:WatchFile=false");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var controller = server.GasCabinDevice(skip: 2);
        var ch4 = controller.SensorId("ch4");
        AppendOverride($"{{rule: ch4.high.l1, device: {controller.Id}, limit: 12}}");
        var ok = await (await server.ClientAsync(Role.Engineer)).PostAsync("/api/rules/reload", null);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ok.Content.ReadFromJsonAsync<JsonElement>(LifelineServerHost.Json)).GetProperty("changed").EnumerateArray().Select(e => e.GetString()).ShouldBe(["ch4.high.l1"]);

        // Act: a broken file.
        var line = AppendOverride("{rule: ch4.high.l1, zone: nowhere-z001, limit: 10}");
        var failed = await (await server.ClientAsync(Role.Engineer)).PostAsync("/api/rules/reload", null);

        // Assert: 422 with the exact error, also in GET /api/rules, and the previous rules (limit 12) still in force.
        var error = $"{RulesFile}: overrides[5].zone: unknown zone 'nowhere-z001': no zone of the asset registry has this id; e.g. 'yongchang-rd-trunk-integrated-z001' (line {line})";
        failed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        failed.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        var problem = await failed.Content.ReadFromJsonAsync<JsonElement>(LifelineServerHost.Json);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ShouldBe([error]);

        var rules = await server.GetJsonAsync<JsonElement>("/api/rules");
        rules.GetProperty("watching").GetBoolean().ShouldBeFalse();
        var last = rules.GetProperty("lastReload");
        last.GetProperty("ok").GetBoolean().ShouldBeFalse();
        last.GetProperty("trigger").GetString().ShouldBe("Api");
        last.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ShouldBe([error]);
        rules.GetProperty("overrides").GetArrayLength().ShouldBe(5);
        EffectiveLimit(await server.GetJsonAsync<JsonElement>($"/api/rules?sensor={ch4}"), "ch4.high.l1").ShouldBe(12);

        await PublishAsync(publisher, controller, Value("ch4", 15));
        var raised = await changes.WaitForAsync(c => c.SensorId == ch4 && c.RuleId == "ch4.high.l1", "the CH₄ alarm under the previous rules");
        raised.Limit.ShouldBe(12);

        var unknown = await server.Http.GetAsync("/api/rules?sensor=nope.ch4");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("'nope.ch4' is not a sensor of the registry");
    }

    [Fact]
    public async Task ReloadEndpoint_RuleAnInterlockUsesRemoved_IsRefusedBecauseInterlocksAreNotReloaded()
    {
        // Arrange
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--Assets:Path={_seeds}", "--Rules:WatchFile=false");
        File.WriteAllText(RulesFile, File.ReadAllText(RulesFile).Replace("id: level.highhigh", "id: level.hh", StringComparison.Ordinal));

        // Act
        var failed = await (await server.ClientAsync(Role.Engineer)).PostAsync("/api/rules/reload", null);

        // Assert
        failed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await failed.Content.ReadFromJsonAsync<JsonElement>(LifelineServerHost.Json);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ShouldBe(
        [
            $"{RulesFile}: rules: rule 'level.highhigh' is gone, but interlock 'sump-highhigh-second-pump' of interlocks.yaml is triggered by it; interlocks are not reloaded, so keep the rule (or change interlocks.yaml and restart)",
        ]);
        var rules = await server.GetJsonAsync<JsonElement>("/api/rules");
        rules.GetProperty("rules").EnumerateArray().ShouldContain(r => r.GetProperty("rule").GetProperty("id").GetString() == "level.highhigh");
    }
}
