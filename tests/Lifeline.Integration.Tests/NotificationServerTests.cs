using System.Net;
using System.Text;
using System.Text.Json;
using Lifeline.Contracts.Alarms;
using Lifeline.Testing;
using MimeKit;

namespace Lifeline.Integration.Tests;

/// <summary>
/// Crew notifications through the real server: an alarm raised over MQTT reaches the on-call person by e-mail (a real
/// SMTP server) and the crew's group by webhook; the link in the e-mail acknowledges it once, anonymously, in that
/// person's name; the notification history shows every delivery.
/// </summary>
public sealed class NotificationServerTests
{
    private sealed record NotificationsResponse(string AlarmId, bool Enabled, List<JsonElement> Notifications);

    [Fact]
    public async Task Alarm_reaches_the_crew_and_the_emailed_link_acknowledges_it_once()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var hook = new HttpReceiver();
        var roster = Path.Combine(Directory.CreateTempSubdirectory("lifeline-roster-").FullName, "rosters.yaml");

        // The site of the device used below; written before the server starts, so it is found by the registry's rule.
        var site = "yongchang-rd";
        await File.WriteAllTextAsync(roster, $$"""
            people:
              - {id: zhang-wei, name: 张伟, email: zhang.wei@example.invalid, notify: [email]}
            crews:
              - id: yongchang-tunnel
                name: 永昌路管廊运维班
                areas: {sites: [{{site}}]}
                groups: [hook]
                supervisor: zhang-wei
                shifts:
                  - {name: 全天, from: "00:00", to: "00:00", on_call: [zhang-wei]}
            """);
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Notifications:Enabled=true",
            $"--Notifications:Path={roster}",
            "--Notifications:PublicBaseUrl=https://lifeline.example.cn/",
            "--Notifications:Channels:email:Type=Email",
            $"--Notifications:Channels:email:Host={SmtpSink.Host}",
            $"--Notifications:Channels:email:Port={smtp.Port}",
            "--Notifications:Channels:email:Security=None",
            "--Notifications:Channels:email:From=Lifeline <lifeline@example.invalid>",
            "--Notifications:Channels:hook:Type=Webhook",
            $"--Notifications:Channels:hook:Url={hook.Url("/crew")}");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var hubLease = hub;
        await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
        var gas = server.Registry.Devices.Where(d => d.SiteId == site && d.TryGetChannel("o2", out _)).OrderBy(d => d.Id, StringComparer.Ordinal).First();

        await device.PublishAsync(gas, "o2", 17.0);
        var alarm = await changes.WaitForAsync(c => c.SensorId == gas.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm");

        // The on-call person's e-mail and the group's webhook.
        // (O₂ at 17 %vol also raises the first-stage alarm, with its own messages.)
        await Poll(() => Mails(smtp, alarm.Id).Count >= 1 && hook.Requests.Any(r => r.Body.Contains(alarm.Id, StringComparison.Ordinal)), "the e-mail and the webhook");
        var mail = Mails(smtp, alarm.Id)[0];
        mail.To.Mailboxes.Single().Address.ShouldBe("zhang.wei@example.invalid");
        mail.Subject.ShouldStartWith("【保山生命线·紧急·告警】");
        var body = mail.TextBody ?? string.Empty;
        body.ShouldContain($"告警编号：{alarm.Id}");
        body.ShouldContain("测量：氧气 17 %vol");
        using (var json = JsonDocument.Parse(hook.Requests.First(r => r.Body.Contains(alarm.Id, StringComparison.Ordinal)).Body))
        {
            json.RootElement.GetProperty("alarmId").GetString().ShouldBe(alarm.Id);
            json.RootElement.GetProperty("crew").GetString().ShouldBe("yongchang-tunnel");
        }

        var link = System.Text.RegularExpressions.Regex.Match(body, @"https://lifeline\.example\.cn/ack/[A-Za-z0-9_.-]+").Value;
        link.ShouldNotBeEmpty(body);
        var path = new Uri(link).AbsolutePath;

        // Anonymous: the link is the credential. Opening it shows the alarm; only the button acknowledges.
        using var phone = new HttpClient { BaseAddress = server.BaseAddress };
        var page = await phone.GetAsync(path);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain(alarm.Id);
        html.ShouldContain("<form method=\"post\">");
        (await server.GetJsonAsync<AlarmDto>($"/api/alarms/{alarm.Id}")).AcknowledgedAt.ShouldBeNull();

        var tampered = path[..^2] + (path[^2] == 'A' ? "B" : "A") + path[^1];
        (await phone.PostAsync(tampered, null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var ack = await phone.PostAsync(path, null);
        ack.StatusCode.ShouldBe(HttpStatusCode.OK, await ack.Content.ReadAsStringAsync());
        var acknowledged = await changes.WaitForAsync(c => c.Id == alarm.Id && c.Transition == "Acknowledged", "the acknowledgement");
        acknowledged.AcknowledgedBy.ShouldBe("crew:zhang-wei");

        // Once only.
        (await phone.PostAsync(path, null)).StatusCode.ShouldBe(HttpStatusCode.Gone);
        (await phone.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Gone);

        // The person hears that it was acknowledged; the history shows every delivery and the link's use.
        await Poll(() => Mails(smtp, alarm.Id).Any(m => m.Subject?.Contains("已确认", StringComparison.Ordinal) == true), "the acknowledgement e-mail");
        NotificationsResponse history = null!;
        await Poll(
            async () =>
            {
                history = await server.GetJsonAsync<NotificationsResponse>($"/api/alarms/{alarm.Id}/notifications");
                return history.Notifications.Count(n => n.GetProperty("status").GetString() == "Sent") >= 4
                    && history.Notifications.Any(n => n.GetProperty("kind").GetString() == "AckLink");
            },
            "the notification history");
        var sent = history.Notifications.Where(n => n.GetProperty("status").GetString() == "Sent")
            .Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("channel").GetString(), n.GetProperty("recipient").GetString())).ToList();
        sent.ShouldBe([("Raised", "email", "zhang-wei"), ("Raised", "hook", "group"), ("Acknowledged", "email", "zhang-wei"), ("Acknowledged", "hook", "group")], ignoreOrder: true);
        var used = history.Notifications.Single(n => n.GetProperty("kind").GetString() == "AckLink");
        used.GetProperty("status").GetString().ShouldBe("Used");
        used.GetProperty("recipient").GetString().ShouldBe("zhang-wei");

        // The history needs a signed-in user; the link page does not.
        (await phone.GetAsync($"/api/alarms/{alarm.Id}/notifications")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Escalation_goes_on_to_the_next_person_after_a_restart_without_calling_anyone_twice()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var hook = new HttpReceiver();
        var roster = Path.Combine(Directory.CreateTempSubdirectory("lifeline-roster-").FullName, "rosters.yaml");

        // The shortest plan a roster allows: unacknowledged for a minute, the next person is called; no reminders.
        await File.WriteAllTextAsync(roster, """
            escalation: {ack_within: 1m, remind_every: 0, final_reminders: 0}
            people:
              - {id: zhang-wei, name: 张伟, email: zhang.wei@example.invalid, notify: [email]}
              - {id: li-na, name: 李娜, email: li.na@example.invalid, notify: [email]}
              - {id: wang-qiang, name: 王强, email: wang.qiang@example.invalid, notify: [email]}
            crews:
              - id: yongchang-tunnel
                name: 永昌路管廊运维班
                areas: {sites: [yongchang-rd]}
                groups: [hook]
                supervisor: wang-qiang
                shifts:
                  - {name: 全天, from: "00:00", to: "00:00", on_call: [zhang-wei, li-na]}
            """);
        string[] settings =
        [
            "--Notifications:Enabled=true",
            $"--Notifications:Path={roster}",
            "--Notifications:Channels:email:Type=Email",
            $"--Notifications:Channels:email:Host={SmtpSink.Host}",
            $"--Notifications:Channels:email:Port={smtp.Port}",
            "--Notifications:Channels:email:Security=None",
            "--Notifications:Channels:email:From=Lifeline <lifeline@example.invalid>",
            "--Notifications:Channels:hook:Type=Webhook",
            $"--Notifications:Channels:hook:Url={hook.Url("/crew")}",
        ];

        string data;
        AlarmDto alarm;
        Lifeline.Domain.Assets.Device gas;
        await using (var server = await LifelineServerHost.StartEmbeddedAsync(settings))
        {
            server.KeepData();
            data = server.DataDirectory;
            var (hub, changes) = await server.ConnectHubAsync();
            await using var hubLease = hub;
            await using var device = await TestMqttPublisher.ConnectAsync(server.MqttPort);
            gas = server.Registry.Devices.Where(d => d.SiteId == "yongchang-rd" && d.TryGetChannel("o2", out _)).OrderBy(d => d.Id, StringComparer.Ordinal).First();
            await device.PublishAsync(gas, "o2", 17.0);
            alarm = await changes.WaitForAsync(c => c.SensorId == gas.SensorId("o2") && c.RuleId == "o2.low.l2", "the O₂ alarm");
            var first = alarm.Id;
            await Poll(() => Mails(smtp, first).Count == 1 && hook.Requests.Any(r => r.Body.Contains(first, StringComparison.Ordinal)), "the first call and the group post");
            Mails(smtp, alarm.Id).Single().To.Mailboxes.Single().Address.ShouldBe("zhang.wei@example.invalid");

            // Both deliveries journaled as sent before the server stops.
            await Poll(
                async () => (await server.GetJsonAsync<NotificationsResponse>($"/api/alarms/{first}/notifications")).Notifications.Count(n => n.GetProperty("status").GetString() == "Sent") == 2,
                "the deliveries in the journal");
        }

        try
        {
            // The same data folder: the alarm comes back unacknowledged from the alarm journal, the calls from the notification journal.
            await using var restarted = await LifelineServerHost.StartEmbeddedAsync([$"{LifelineServerHost.DataArgument}{data}", .. settings]);
            (await restarted.GetJsonAsync<AlarmDto>($"/api/alarms/{alarm.Id}")).State.ShouldBe("Unacknowledged");

            // /health shows the alarms whose calls were taken up again.
            await Poll(
                async () =>
                {
                    using var health = JsonDocument.Parse(await restarted.Http.GetStringAsync("/health"));
                    var notifications = health.RootElement.GetProperty("checks").GetProperty("notifications").GetProperty("data");
                    return notifications.GetProperty("resumed").GetInt32() >= 1 && notifications.GetProperty("calling").GetInt32() >= 1;
                },
                "the resumed calls in /health");


            // A minute after the first call (the plan keeps its times across the restart), the next on the shift is called.
            await Poll(() => Mails(smtp, alarm.Id).Any(m => m.To.Mailboxes.Single().Address == "li.na@example.invalid"), "the escalation to the next person", seconds: 120);
            TimeProvider.System.GetUtcNow().ShouldBeGreaterThan(alarm.RaisedAt.AddSeconds(59));
            var escalation = Mails(smtp, alarm.Id).Single(m => m.To.Mailboxes.Single().Address == "li.na@example.invalid");
            (escalation.TextBody ?? string.Empty).ShouldContain("张伟 未在 1 分钟内确认，已升级至 李娜");

            // Nobody was called twice: the first call is not repeated by the restarted server.
            Mails(smtp, alarm.Id).Count(m => m.To.Mailboxes.Single().Address == "zhang.wei@example.invalid").ShouldBe(1);
            NotificationsResponse history = null!;
            await Poll(
                async () =>
                {
                    history = await restarted.GetJsonAsync<NotificationsResponse>($"/api/alarms/{alarm.Id}/notifications");
                    return history.Notifications.Count(n => n.GetProperty("status").GetString() == "Sent") >= 4;
                },
                "the notification history");
            var sent = history.Notifications.Where(n => n.GetProperty("status").GetString() == "Sent")
                .Select(n => (n.GetProperty("kind").GetString(), n.GetProperty("channel").GetString(), n.GetProperty("recipient").GetString())).ToList();
            sent.ShouldBe([("Raised", "email", "zhang-wei"), ("Raised", "hook", "group"), ("Escalated", "email", "li-na"), ("Escalated", "hook", "group")], ignoreOrder: true);
        }
        finally
        {
            // The restarted host removes the folder when it stops; not when it failed to start.
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public void Bad_channel_settings_or_a_roster_naming_a_missing_channel_stop_start_up_with_exact_errors()
    {
        var accounts = Path.Combine(Directory.CreateTempSubdirectory("lifeline-accounts-").FullName, "users.json");
        string[] common = [$"--Assets:Path={RepositoryPaths.Seeds()}", $"--Accounts:Path={accounts}", "--Notifications:Enabled=true", "--Notifications:Channels:sms:Type=Sms", "--Notifications:Channels:sms:Url=http://127.0.0.1:9/send"];

        var bad = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() => Lifeline.Server.LifelineApp.Build(common));
        bad.Failures.ShouldBe(["Notifications:Channels:sms:BodyTemplate: required for POST (e.g. {\"to\":\"{phone}\",\"text\":\"{text}\"})"]);

        // The Baoshan roster also reaches people by e-mail and groups by robot: with only SMS configured, it cannot start.
        var rosterFile = Path.Combine(RepositoryPaths.Seeds(), "rosters.yaml");
        var line = File.ReadAllLines(rosterFile).ToList().FindIndex(l => l.Contains("{id: zhang-wei,", StringComparison.Ordinal)) + 1;
        var roster = Should.Throw<Lifeline.Assets.AssetRegistryException>(() => Lifeline.Server.LifelineApp.Build([.. common, "--Notifications:Channels:sms:BodyTemplate={text}"]));
        roster.Errors[0].ShouldBe($"{rosterFile}: people[0].notify[1]: unknown channel 'email' (Notifications:Channels:email); configured: sms (line {line})");
        roster.Errors.ShouldContain(e => e.Contains("crews[0].groups[0]: unknown channel 'wecom'", StringComparison.Ordinal));
    }

    /// <summary>The e-mails received about one alarm, oldest first.</summary>
    private static List<MimeMessage> Mails(SmtpSink smtp, string alarmId) =>
        smtp.Messages().Select(m => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(m)))).Where(m => m.Headers["X-Lifeline-Alarm"] == alarmId).ToList();

    private static Task Poll(Func<bool> condition, string what, int seconds = 20) => Poll(() => Task.FromResult(condition()), what, seconds);

    private static async Task Poll(Func<Task<bool>> condition, string what, int seconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!await condition())
        {
            try
            {
                await Task.Delay(50, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{what}: not seen within {seconds} s");
            }
        }
    }
}
