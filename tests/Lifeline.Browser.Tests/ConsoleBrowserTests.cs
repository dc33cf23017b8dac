using System.Text.Json;
using Lifeline.Integration.Tests;
using Lifeline.Testing;
using Microsoft.Playwright;
using static Lifeline.Browser.Tests.ConsoleDriver;

namespace Lifeline.Browser.Tests;

/// <summary>
/// The operator console in a real browser (Debian's Chromium through Playwright) against the real server in-process, fed
/// by scripted MQTT publishes: what the operator sees and does, checked on screen and on the server.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConsoleBrowserTests(ChromiumFixture browser)
{
    private const string CriticalO2Rule = "o2.low.l2";

    [Fact]
    public async Task An_alarm_raised_by_a_reading_appears_live_without_reloading_the_list()
    {
        // Arrange
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        var snapshotLoads = 0;
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/api/alarms")
            {
                Interlocked.Increment(ref snapshotLoads);
            }
        };
        await ChromiumFixture.ScreenshotAsync(page, "01-wall-quiet");
        var device = server.GasCabinDevice();

        // Act
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "o2", 17.0);
        var alarm = await WaitForAlarmAsync(server.Http, a => a.Str("sensorId") == device.SensorId("o2") && a.Str("ruleId") == CriticalO2Rule, "the critical O₂ alarm");

        // Assert: the row is there with its priority and state, pushed (the list was not reloaded).
        var row = AlarmRow(page, alarm.Str("id"));
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Unacknowledged");
        await Assertions.Expect(row.Locator(".prio")).ToHaveTextAsync("紧急");
        await Assertions.Expect(row.Locator("button[data-action='ack']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#footer-seq")).ToHaveAttributeAsync("data-seq", alarm.GetProperty("seq").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Volatile.Read(ref snapshotLoads).ShouldBe(0);

        // The tone sounded once per new alarm: the critical one (below 18 %vol) and the high one (below 19.5 %vol).
        (await page.EvaluateAsync<int>("() => window.lifeline.tone.played")).ShouldBe(2);
        await ChromiumFixture.ScreenshotAsync(page, "02-wall-alarm-live");
    }

    [Fact]
    public async Task Acknowledging_in_the_console_changes_the_state_on_screen_and_on_the_server()
    {
        // Arrange
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        await page.ClickAsync("#mute");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#mute")).ToHaveAttributeAsync("aria-pressed", "true");
        var device = server.GasCabinDevice();
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "o2", 17.0);
        var alarm = await WaitForAlarmAsync(server.Http, a => a.Str("sensorId") == device.SensorId("o2") && a.Str("ruleId") == CriticalO2Rule, "the critical O₂ alarm");
        var id = alarm.Str("id");
        var row = AlarmRow(page, id);
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Unacknowledged");
        (await page.EvaluateAsync<int>("() => window.lifeline.tone.played")).ShouldBe(0, "muted (and the mute survived a reload)");

        // Act
        await row.Locator("button[data-action='ack']").ClickAsync();

        // Assert: on screen (no Ack button any more) and on the server, attributed to the signed-in operator.
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Acknowledged");
        await Assertions.Expect(row.Locator("button[data-action='ack']")).ToHaveCountAsync(0);
        await Assertions.Expect(row.Locator("td.state")).ToContainTextAsync(LifelineServerHost.OperatorName);
        var onServer = await GetAsync(server.Http, $"/api/alarms/{id}");
        onServer.Str("state").ShouldBe("Acknowledged");
        onServer.Str("acknowledgedBy").ShouldBe(LifelineServerHost.OperatorName);
        await ChromiumFixture.ScreenshotAsync(page, "03-wall-acknowledged");
    }

    [Fact]
    public async Task The_zone_strip_takes_the_colour_of_the_worst_alarm_of_the_zone()
    {
        // Arrange
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        var device = server.GasCabinDevice();
        var zone = page.Locator($"button.zone[data-zone='{device.Location.ZoneId}']");
        var neighbour = page.Locator($"button.zone[data-zone='{server.GasCabinDevice(1).Location.ZoneId}']");
        await Assertions.Expect(zone).ToHaveAttributeAsync("data-status", "Normal");
        var grey = await BackgroundOf(zone);

        // Act: 19 %vol is only the high alarm (below 19.5), 17 %vol adds the critical one (below 18).
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "o2", 19.0);
        await Assertions.Expect(zone).ToHaveAttributeAsync("data-status", "High");
        var orange = await BackgroundOf(zone);
        await publisher.PublishAsync(device, "o2", 17.0);
        await Assertions.Expect(zone).ToHaveAttributeAsync("data-status", "Critical");
        await Assertions.Expect(zone).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("st-critical"));
        var red = await BackgroundOf(zone);

        // Assert: grey when normal, the priority colours in alarm, and only the zone in alarm changes.
        grey.ShouldBe("rgb(188, 188, 188)");
        orange.ShouldBe("rgb(245, 124, 0)");
        red.ShouldBe("rgb(208, 2, 27)");
        await Assertions.Expect(neighbour).ToHaveAttributeAsync("data-status", "Normal");

        // Click through: the zone shows its device, the device its live O₂ value.
        await zone.ClickAsync();
        await Assertions.Expect(page.Locator("#detail")).ToHaveAttributeAsync("data-type", "zone");
        await page.Locator($"button.device-link[data-device='{device.Id}']").ClickAsync();
        await Assertions.Expect(page.Locator($"tr.sensor-row[data-sensor='{device.SensorId("o2")}'] td.value")).ToHaveTextAsync("17");
        await ChromiumFixture.ScreenshotAsync(page, "04-wall-zone-critical-device");
        await page.Locator($"tr.sensor-row[data-sensor='{device.SensorId("o2")}']").ClickAsync();
        await Assertions.Expect(page.Locator("#sensor-limits li")).Not.ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#trend .uplot")).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "05-wall-sensor-trend");

        await page.SetViewportSizeAsync(ChromiumFixture.Phone.Width, ChromiumFixture.Phone.Height);
        await ChromiumFixture.ScreenshotAsync(page, "06-phone-sensor", fullPage: false);
    }

    [Fact]
    public async Task After_a_server_restart_the_console_resynchronises_and_shows_what_changed_while_it_was_away()
    {
        // Arrange: a server on a fixed port and data folder, so it can come back where the page expects it.
        var data = Directory.CreateTempSubdirectory("lifeline-browser-").FullName;
        var port = FreePort.Next();
        var urls = $"--urls=http://127.0.0.1:{port}";
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        try
        {
            var first = await StartServerAsync($"{LifelineServerHost.DataArgument}{data}", urls);
            var token = first.OperatorToken!;
            using var http = Client(baseAddress, token);
            var device = first.GasCabinDevice();
            var other = first.GasCabinDevice(1);
            var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, baseAddress);
            string before;
            await using (first)
            {
                first.KeepData();
                await SignInAsync(page, first.OperatorPassword!);
                await using var publisher = await TestMqttPublisher.ConnectAsync(first.MqttPort);
                await publisher.PublishAsync(device, "o2", 17.0);
                var raised = await WaitForAlarmAsync(http, a => a.Str("sensorId") == device.SensorId("o2") && a.Str("ruleId") == CriticalO2Rule, "the critical O₂ alarm");
                before = raised.Str("id");
                await Assertions.Expect(AlarmRow(page, before)).ToHaveAttributeAsync("data-state", "Unacknowledged");
            }

            // The server is down: the console says so.
            await Assertions.Expect(page.Locator("#connection")).Not.ToHaveAttributeAsync("data-state", "up");
            await ChromiumFixture.ScreenshotAsync(page, "07-wall-server-down");

            // Keep the console away while the restarted server changes things: an acknowledgement and a new alarm.
            await page.RouteAsync("**/hubs/alarms/negotiate**", route => route.AbortAsync());
            await using var second = await StartServerAsync($"{LifelineServerHost.DataArgument}{data}", urls, LifelineServerHost.NoUsersArgument);
            using (var ack = await http.PostAsync(new Uri($"/api/alarms/{before}/ack", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
            {
                ack.EnsureSuccessStatusCode();
            }

            await using var publisher2 = await TestMqttPublisher.ConnectAsync(second.MqttPort);
            await publisher2.PublishAsync(other, "o2", 17.0);
            var added = await WaitForAlarmAsync(http, a => a.Str("sensorId") == other.SensorId("o2") && a.Str("ruleId") == CriticalO2Rule, "the second critical O₂ alarm");
            var serverState = await GetAsync(http, "/api/alarms");
            await Assertions.Expect(AlarmRow(page, added.Str("id"))).ToHaveCountAsync(0);
            await Assertions.Expect(AlarmRow(page, before)).ToHaveAttributeAsync("data-state", "Unacknowledged");

            // Act: let it reconnect.
            await page.UnrouteAsync("**/hubs/alarms/negotiate**");

            // Assert: live again, the acknowledgement and the new alarm shown, at the server's seq and epoch.
            await Assertions.Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "up", new() { Timeout = 30_000 });
            await Assertions.Expect(AlarmRow(page, before)).ToHaveAttributeAsync("data-state", "Acknowledged");
            await Assertions.Expect(AlarmRow(page, added.Str("id"))).ToHaveAttributeAsync("data-state", "Unacknowledged");
            var seq = serverState.GetProperty("seq").GetInt64();
            var onScreen = await page.EvaluateAsync<JsonElement>("() => ({ seq: window.lifeline.sync.seq, epoch: window.lifeline.sync.epoch, ids: [...window.lifeline.sync.alarms.keys()].sort() })");
            onScreen.GetProperty("seq").GetInt64().ShouldBeGreaterThanOrEqualTo(seq);
            onScreen.Str("epoch").ShouldBe(serverState.Str("epoch"));
            var current = await GetAsync(http, "/api/alarms");
            onScreen.GetProperty("ids").EnumerateArray().Select(e => e.GetString()).ShouldBe(
                current.GetProperty("alarms").EnumerateArray().Select(a => a.Str("id")).Order(StringComparer.Ordinal));
            await ChromiumFixture.ScreenshotAsync(page, "08-wall-resynchronised");
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task The_language_switch_changes_every_label_and_asset_name_and_is_remembered()
    {
        // Arrange
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        var firstSite = page.Locator(".site h4").First;

        // Chinese by default: labels and the registry's Chinese names.
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
        await Assertions.Expect(page.Locator(".overview-panel h2")).ToHaveTextAsync("管网总览");
        await Assertions.Expect(firstSite).ToHaveTextAsync("永昌路");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("在线");

        // Act
        await page.ClickAsync("#lang");

        // Assert: English labels and names, and still English after a reload.
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await Assertions.Expect(page.Locator(".overview-panel h2")).ToHaveTextAsync("Network overview");
        await Assertions.Expect(firstSite).ToHaveTextAsync("Yongchang Road");
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("Live");
        await Assertions.Expect(page.Locator("#filter-priority option[value='Critical']")).ToHaveTextAsync("Critical");
        await ChromiumFixture.ScreenshotAsync(page, "09-wall-english");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".overview-panel h2")).ToHaveTextAsync("Network overview");
        await Assertions.Expect(firstSite).ToHaveTextAsync("Yongchang Road");

        // No label is left untranslated: every text the dictionaries fill is set (a missing key would show itself).
        var untranslated = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('[data-i18n]')].filter(e => !e.textContent || e.textContent === e.dataset.i18n).map(e => e.dataset.i18n)");
        untranslated.ShouldBeEmpty();

        await page.ClickAsync("#lang");
        await Assertions.Expect(page.Locator(".overview-panel h2")).ToHaveTextAsync("管网总览");
        await page.SetViewportSizeAsync(ChromiumFixture.Phone.Width, ChromiumFixture.Phone.Height);
        await ChromiumFixture.ScreenshotAsync(page, "10-phone-overview", fullPage: true);
    }

    [Fact]
    public async Task An_operator_starts_a_fan_after_confirming_and_sees_its_read_back()
    {
        // Arrange
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        var device = server.GasCabinDevice();
        await page.GotoAsync($"/#device={device.Id}");
        await page.ReloadAsync(); // a hash change alone does not load the page again
        var output = page.Locator("#control-rows tr[data-output='fan1_cmd']");
        await Assertions.Expect(output).ToBeVisibleAsync();

        // Act: Start, which asks for a confirmation first.
        await output.Locator("button.cmd-start").ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-dialog")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#confirm-text")).ToContainTextAsync(device.Id);
        await page.ClickAsync("#confirm-send");

        // Assert: the command is on the server, attributed to the operator, and the screen waits for the read-back...
        await Assertions.Expect(output.Locator(".cmd-status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("cmd-Pending"));
        var commands = await GetAsync(server.Http, $"/api/commands?device={device.Id}");
        var command = commands.EnumerateArray().Single(c => c.Str("channel") == "fan1_cmd");
        command.Str("user").ShouldBe(LifelineServerHost.OperatorName);
        command.GetProperty("value").GetDouble().ShouldBe(1);
        await ChromiumFixture.ScreenshotAsync(page, "11-wall-command-pending");

        // ...until the device's run feedback reports the fan running.
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "fan1_run", true);
        await Assertions.Expect(output.Locator(".cmd-status")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("cmd-Confirmed"));
        await Assertions.Expect(output.Locator(".cmd-status")).ToContainTextAsync("已确认");
        await ChromiumFixture.ScreenshotAsync(page, "12-wall-command-confirmed");
    }

    [Fact]
    public async Task An_operator_filters_shelves_a_plant_alarm_with_a_reason_and_unshelves_it()
    {
        // Arrange: effluent COD at 45 mg/L is the medium pre-alarm (80 % of the 1A limit), not life-safety: shelvable.
        await using var server = await StartServerAsync();
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, server.OperatorPassword!);
        var device = server.Registry.Devices.Single(d => d.Id == "wwtp1-effluent-ana");
        var tile = page.Locator($"button.station[data-station='{device.Location.StationId}']");
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "cod", 45.0);
        var alarm = await WaitForAlarmAsync(server.Http, a => a.Str("sensorId") == device.SensorId("cod") && a.Str("ruleId") == "cod.high.pre", "the COD pre-alarm");
        var id = alarm.Str("id");
        var row = AlarmRow(page, id);
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "Medium");

        // Filters: another priority hides it, its own priority and site show it.
        await page.SelectOptionAsync("#filter-priority", "Critical");
        await Assertions.Expect(row).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#no-alarms")).ToBeVisibleAsync();
        await page.SelectOptionAsync("#filter-priority", "Medium");
        await page.SelectOptionAsync("#filter-site", device.SiteId);
        await Assertions.Expect(row).ToBeVisibleAsync();

        // Act: shelve, which needs a reason.
        await row.Locator("button[data-action='shelve']").ClickAsync();
        await Assertions.Expect(page.Locator("#shelve-dialog")).ToBeVisibleAsync();
        await page.ClickAsync("#shelve-submit");
        await Assertions.Expect(page.Locator("#shelve-error")).Not.ToBeEmptyAsync();
        await Assertions.Expect(page.Locator("#shelve-dialog")).ToBeVisibleAsync();
        await page.FillAsync("#shelve-reason", "analyser calibration");
        await page.SelectOptionAsync("#shelve-minutes", "30");
        await page.ClickAsync("#shelve-submit");

        // Assert: shelved on screen with who and why, on the server for 30 minutes, and the tile no longer coloured.
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Shelved");
        await Assertions.Expect(row.Locator("td.state")).ToContainTextAsync("analyser calibration");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "Normal");
        var shelved = await GetAsync(server.Http, $"/api/alarms/{id}");
        shelved.Str("state").ShouldBe("Shelved");
        shelved.Str("shelveReason").ShouldBe("analyser calibration");
        shelved.Str("shelvedBy").ShouldBe(LifelineServerHost.OperatorName);
        (shelved.GetProperty("shelvedUntil").GetDateTimeOffset() - shelved.GetProperty("changedAt").GetDateTimeOffset()).ShouldBe(TimeSpan.FromMinutes(30));
        await ChromiumFixture.ScreenshotAsync(page, "13-wall-shelved");

        await row.Locator("button[data-action='unshelve']").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Unacknowledged");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-status", "Medium");
        (await GetAsync(server.Http, $"/api/alarms/{id}")).Str("state").ShouldBe("Unacknowledged");
    }

    [Fact]
    public async Task A_viewer_sees_alarms_and_live_values_but_no_action_or_control_buttons()
    {
        // Arrange: a viewer account, and an alarm an operator could acknowledge.
        await using var server = await StartServerAsync();
        const string viewer = "viewer.wang";
        var password = Lifeline.Server.Accounts.Passwords.GenerateFor(viewer);
        using (var store = new Lifeline.Server.Accounts.AccountStore(server.AccountsPath))
        {
            await store.AddUserAsync(viewer, Lifeline.Server.Accounts.Role.Viewer, password);
        }

        var device = server.GasCabinDevice();
        await using var publisher = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        await publisher.PublishAsync(device, "o2", 17.0);
        var alarm = await WaitForAlarmAsync(server.Http, a => a.Str("sensorId") == device.SensorId("o2") && a.Str("ruleId") == CriticalO2Rule, "the critical O₂ alarm");

        // Act
        var page = await browser.NewPageAsync(ChromiumFixture.WallScreen, server.BaseAddress);
        await SignInAsync(page, viewer, password);
        await page.Locator($"button.zone[data-zone='{device.Location.ZoneId}']").ClickAsync();
        await page.Locator($"button.device-link[data-device='{device.Id}']").ClickAsync();

        // Assert: the alarm and the live value are there; no Ack, Shelve, Start or Stop anywhere.
        var row = AlarmRow(page, alarm.Str("id"));
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "Unacknowledged");
        await Assertions.Expect(page.Locator($"tr.sensor-row[data-sensor='{device.SensorId("o2")}'] td.value")).ToHaveTextAsync("17");
        await Assertions.Expect(page.Locator("#control-rows tr[data-output='fan1_cmd']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#user")).ToContainTextAsync("查看员");
        (await page.Locator("button.act").CountAsync()).ShouldBe(0);
        (await page.Locator("button.cmd").CountAsync()).ShouldBe(0);
    }

    private static Task<string> BackgroundOf(ILocator locator) =>
        locator.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
}
