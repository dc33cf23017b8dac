using Lifeline.Notifications.Channels;

namespace Lifeline.Notifications.Tests;

public sealed class FloodTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private const string Roster = """
        utc_offset: "+08:00"
        escalation: {ack_within: 60m, remind_every: 0, final_reminders: 0}
        people:
          - {id: a, name: 甲, phone: "13800000001", notify: [sms]}
          - {id: boss, name: 主管, phone: "13800000009", notify: [sms]}
        crews:
          - id: ych
            name: 永昌路
            areas: {sites: [yongchang-rd]}
            groups: [robot]
            supervisor: boss
            shifts:
              - {name: all day, from: "00:00", to: "00:00", on_call: [a]}
        """;

    [Fact]
    public async Task Flood_OfAlarms_SendsAtMostTheRateThenOneDigest()
    {
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        var options = new NotificationOptions { RateLimit = new RateLimitOptions { Messages = 3, Window = TimeSpan.FromMinutes(10), DigestLines = 5 } };
        await using var sut = new Harness(Roster, Day, options, sms, robot);

        // 60 zone controllers of Yongchang Rd report O₂ depletion at once.
        var devices = Baoshan.Registry.Devices.Where(d => d.SiteId == "yongchang-rd" && d.TryGetChannel("o2", out _)).Take(60).Select(d => d.Id).ToList();
        devices.Count.ShouldBe(60);
        var ids = devices.Select(d => sut.Raise(d, "o2.low.l2", 16)).ToList();
        await sut.Settle();

        await Poll.Until(() => sms.Messages.Count == 3 && robot.Messages.Count == 3);
        sut.Records.Count(r => r.Status == "Suppressed" && r.Channel == "sms").ShouldBe(57);
        sut.Records.Count(r => r.Status == "Suppressed" && r.Channel == "robot").ShouldBe(57);

        // Nothing more within the window; then one digest per recipient and channel lists the 57 held back.
        await sut.Advance(TimeSpan.FromMinutes(9));
        sms.Messages.Count.ShouldBe(3);
        await sut.Advance(TimeSpan.FromMinutes(1));
        await Poll.Until(() => sms.Messages.Count == 4 && robot.Messages.Count == 4);
        var digest = sms.Messages.Last();
        digest.Kind.ShouldBe("Digest");
        digest.Subject.ShouldBe("【保山生命线】另有 57 条告警未单独发送");
        digest.Text.Split('\n').Length.ShouldBe(1 + 5 + 1);
        digest.Text.ShouldContain(ids[3]);
        sut.Records.Single(r => r.Kind == "Digest" && r.Channel == "sms" && r.Status == "Queued").Alarms!.Count.ShouldBe(57);
        sut.Service.Counters.Suppressed.ShouldBe(114);
    }

    [Fact]
    public async Task ChatteringAlarm_GetsOneMessagePerRecipientPerTransition()
    {
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var sut = new Harness(Roster, Day, null, sms, robot);

        var id = sut.Raise(Baoshan.GasZone3, "ch4.high.l2", 30);
        for (var i = 0; i < 20; i++)
        {
            sut.Time.Advance(TimeSpan.FromSeconds(5));
            sut.Clear(Baoshan.GasZone3, "ch4.high.l2", 1).ShouldBe(id);
            sut.Time.Advance(TimeSpan.FromSeconds(5));
            sut.Raise(Baoshan.GasZone3, "ch4.high.l2", 30).ShouldBe(id);
        }

        await sut.Settle();
        await Poll.Until(() => sms.Messages.Count == 3, () => string.Join(", ", sms.Messages.Select(m => m.Kind)));
        sms.Messages.Select(m => m.Kind).ShouldBe(["Raised", "Cleared", "Reraised"]);
        robot.Messages.Select(m => m.Kind).ShouldBe(["Raised", "Cleared"]);
        sut.Service.Counters.Deduplicated.ShouldBeGreaterThanOrEqualTo(19 * 3);
    }

    [Fact]
    public async Task Routing_PicksTheMostSpecificCrewAndPriority_ElseTheFallback()
    {
        const string roster = """
            people:
              - {id: a, name: 甲, notify: []}
              - {id: b, name: 乙, notify: []}
            crews:
              - {id: site, name: 站点, areas: {sites: [yongchang-rd]}, supervisor: a, shifts: [{name: d, from: "00:00", to: "00:00", on_call: [a]}]}
              - {id: trunk, name: 干线, areas: {tunnels: [yongchang-rd-trunk]}, priorities: [critical], supervisor: a, shifts: [{name: d, from: "00:00", to: "00:00", on_call: [a]}]}
              - {id: plant, name: 厂, areas: {stations: [wwtp1-effluent]}, supervisor: b, shifts: [{name: d, from: "00:00", to: "00:00", on_call: [b]}]}
              - {id: duty, name: 值班, fallback: true, priorities: [critical, high], supervisor: b, shifts: [{name: d, from: "00:00", to: "00:00", on_call: [b]}]}
            """;
        await using var sut = new Harness(roster, Day);
        string Crews(string device, string rule)
        {
            var id = sut.Raise(device, rule, rule.StartsWith("o2", StringComparison.Ordinal) ? 16 : 99);
            return string.Join(",", sut.Service.Route(sut.Alarms.Find(id)!).Select(c => c.Id));
        }

        Crews(Baoshan.GasZone3, "ch4.high.l2").ShouldBe("trunk");
        Crews(Baoshan.GasZone3, "ch4.high.l1").ShouldBe("site");
        Crews(Baoshan.YongchangBranch, "o2.low.l2").ShouldBe("site");
        Crews("baoxiu-rd-trunk-integrated-z001-ctl", "o2.low.l2").ShouldBe("duty");
        Crews("baoxiu-rd-trunk-integrated-z001-ctl", "temp.high").ShouldBe(string.Empty);
    }
}
