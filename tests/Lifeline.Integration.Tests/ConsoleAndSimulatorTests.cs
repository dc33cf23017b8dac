using System.Net;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>The run command's path: the in-process simulator feeds the embedded broker; the console page is served offline.</summary>
public sealed class ConsoleAndSimulatorTests
{
    [Fact]
    public async Task InProcessSimulator_O2DepletionScenario_RaisesLiveAlarm()
    {
        // Arrange: the simulator for one cabin's zone controllers, with O₂ depletion in zone 3 one second in.
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Simulator:Enabled=true",
            "--Simulator:Devices:0=yongchang-rd-trunk-gas-z00",
            "--Simulator:Scenarios:0=o2-depletion@yongchang-rd-trunk-gas-z003+1s");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;

        // Act
        var alarm = await changes.WaitForAsync(c => c.RuleId == "o2.low.l2", "the scenario's O₂ alarm", TimeSpan.FromSeconds(40));

        // Assert: the alarm is where the scenario was injected, and the neighbours keep reporting normal values.
        alarm.ZoneId.ShouldBe("yongchang-rd-trunk-gas-z003");
        alarm.State.ShouldBe("Unacknowledged");
        var neighbour = await IngestionTests.WaitForSensorAsync(server, "yongchang-rd-trunk-gas-z004-ctl.o2", s => s.GetProperty("quality").GetString() == "Good");
        neighbour.GetProperty("value").GetDouble().ShouldBeGreaterThan(19.5);
    }

    [Fact]
    public async Task ConsolePage_IsServedWithBundledSignalRClient()
    {
        await using var server = await LifelineServerHost.StartEmbeddedAsync($"--contentRoot={Path.Combine(RepositoryPaths.Root, "src", "Lifeline.Server")}");

        var page = await server.Http.GetStringAsync("/");
        var client = await server.Http.GetAsync("/lib/signalr.min.js");
        var bundle = await server.Http.GetStringAsync("/lib/console.js");
        var styles = await server.Http.GetAsync("/lib/console.css");

        page.ShouldContain("data-i18n=\"alarms.title\"");
        page.ShouldContain("lib/signalr.min.js");
        page.ShouldContain("lib/console.js");
        page.ShouldNotContain("http", Case.Insensitive); // no CDN or other remote resource: control rooms are offline
        client.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.Content.ReadAsStringAsync()).ShouldContain("HubConnectionBuilder");
        bundle.ShouldContain("AlarmChanged"); // the console's modules, bundled with uPlot at build time
        bundle.ShouldContain("uplot");
        styles.StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
