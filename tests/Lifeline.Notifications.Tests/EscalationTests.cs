using Lifeline.Notifications.Channels;

namespace Lifeline.Notifications.Tests;

public sealed class EscalationTests
{
    // 10:00 in Baoshan (UTC+8): the day shift is on.
    private static readonly DateTimeOffset Day = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    // 21:00 in Baoshan: the night shift is on.
    private static readonly DateTimeOffset Night = new(2026, 11, 27, 13, 0, 0, TimeSpan.Zero);

    private const string Roster = """
        utc_offset: "+08:00"
        escalation: {ack_within: 10m, remind_every: 4m, final_reminders: 2}
        people:
          - {id: a, name: 甲, phone: "13800000001", notify: [sms]}
          - {id: b, name: 乙, phone: "13800000002", notify: [sms]}
          - {id: c, name: 丙, phone: "13800000003", notify: [sms]}
          - {id: boss, name: 主管, phone: "13800000009", notify: [sms], lang: en}
        crews:
          - id: ych
            name: 永昌路
            areas: {sites: [yongchang-rd]}
            groups: [robot]
            supervisor: boss
            shifts:
              - {name: day, from: "08:00", to: "20:00", on_call: [a, b]}
              - {name: night, from: "20:00", to: "08:00", on_call: [c]}
        """;

    private static (string To, string Kind)[] Sent(RecordingChannel channel) =>
        channel.Messages.Select(m => (m.Recipient?.Id ?? "group", m.Kind)).ToArray();

    [Fact]
    public async Task Unacknowledged_RemindsThenCallsNextThenSupervisor_AndStopsOnAck()
    {
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var sut = new Harness(Roster, Day, null, sms, robot);

        var id = sut.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
        await sut.Settle();
        await Poll.Until(() => sms.Messages.Count == 1 && robot.Messages.Count == 1);
        Sent(sms).ShouldBe([("a", "Raised")]);
        robot.Messages.Single().Mentions.ShouldBe(["13800000001"]);

        // Reminders every 4 min to the person called; at 10 min the next one; at 20 min the supervisor; two final reminders.
        for (var minute = 1; minute <= 40; minute++)
        {
            await sut.Advance(TimeSpan.FromMinutes(1));
        }

        await Poll.Until(() => sms.Messages.Count == 9, () => string.Join(", ", Sent(sms)));
        Sent(sms).ShouldBe(
        [
            ("a", "Raised"), ("a", "Reminder"), ("a", "Reminder"), ("b", "Escalated"), ("b", "Reminder"), ("b", "Reminder"),
            ("boss", "Escalated"), ("boss", "Reminder"), ("boss", "Reminder"),
        ]);
        Sent(robot).ShouldBe([("group", "Raised"), ("group", "Escalated"), ("group", "Escalated")]);
        robot.Messages.Last().Mentions.ShouldBe(["13800000009"]);
        sms.Messages.Single(m => m.Kind == "Escalated" && m.Recipient!.Id == "b").Text.ShouldContain("甲 未在 10 分钟内确认，已升级至 乙");

        // The supervisor asked for English.
        sms.Messages.Last().Subject.ShouldStartWith("[Lifeline Critical · reminder, not acknowledged]");

        await sut.Ack(id);
        await Poll.Until(() => sms.Messages.Count == 12 && robot.Messages.Count == 4, () => string.Join(", ", Sent(sms)));
        Sent(sms)[9..].ShouldBe([("a", "Acknowledged"), ("b", "Acknowledged"), ("boss", "Acknowledged")]);
        sms.Messages.Last().Text.ShouldContain("acknowledged by op.li");

        // Nothing more once acknowledged.
        await sut.Advance(TimeSpan.FromHours(1));
        sms.Messages.Count.ShouldBe(12);
    }

    [Fact]
    public async Task NightShift_CallsItsOwnListThenSupervisor()
    {
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var sut = new Harness(Roster, Night, null, sms, robot);

        sut.Raise(Baoshan.YongchangBranch, "o2.low.l2", 16.5);
        await sut.Settle();
        for (var minute = 1; minute <= 10; minute++)
        {
            await sut.Advance(TimeSpan.FromMinutes(1));
        }

        await Poll.Until(() => sms.Messages.Count == 4, () => string.Join(", ", Sent(sms)));
        Sent(sms).ShouldBe([("c", "Raised"), ("c", "Reminder"), ("c", "Reminder"), ("boss", "Escalated")]);
    }

    [Fact]
    public async Task Message_SaysWhereWhatAndSinceWhen_WithAnAckLink()
    {
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var sut = new Harness(Roster, Day, new NotificationOptions { PublicBaseUrl = new Uri("https://lifeline.example.cn/") }, sms, robot);

        var id = sut.Raise(Baoshan.GasZone3, "ch4.high.l2", 32.5);
        await sut.Settle();
        await Poll.Until(() => sms.Messages.Count == 1);
        var message = sms.Messages.Single();

        message.Subject.ShouldBe("【保山生命线·紧急·告警】永昌路干线综合管廊天然气舱3号分区 甲烷");
        message.Text.ShouldContain("位置：永昌路干线综合管廊 · 天然气舱 · 第 3 防火分区（K0+400–K0+600，分区 yongchang-rd-trunk-gas-z003）");
        message.Text.ShouldContain("进入：最近的管廊端头为起点 K0+000，距本分区中部约 500 m");
        message.Text.ShouldContain($"测量：甲烷 32.5 %LEL（限值 {Baoshan.Rule("ch4.high.l2").Limit} %LEL）");
        message.Text.ShouldContain("开始：2026-11-27 10:00:00（UTC+08:00）");
        message.Text.ShouldContain($"告警编号：{id}");
        message.AckUrl.ShouldNotBeNull();
        message.AckUrl.ToString().ShouldStartWith("https://lifeline.example.cn/ack/");
        message.Text.ShouldContain(message.AckUrl.ToString());
        sut.Links.Check(message.AckUrl.Segments[^1]).Link!.ShouldSatisfyAllConditions(
            l => l.AlarmId.ShouldBe(id), l => l.MemberId.ShouldBe("a"), l => l.CrewId.ShouldBe("ych"));

        // Group posts carry no link: a link acknowledges in the name of one person.
        robot.Messages.Single().AckUrl.ShouldBeNull();
    }

    [Fact]
    public void Message_ForAPlantStation_NamesThePlantAndStation_InBothLanguages()
    {
        var device = Baoshan.Registry.Devices.First(d => d.SiteId == "wwtp1" && d.TryGetChannel("cod", out _));
        Baoshan.Registry.TryGetSite("wwtp1", out var plant).ShouldBeTrue();
        var station = plant!.Stations.Single(s => s.Id == device.Location.StationId);
        var alarm = new Contracts.Alarms.AlarmDto
        {
            Seq = 1, Id = "A000001", State = "Unacknowledged", Priority = "Medium", Kind = "cod_high", RuleId = "cod.high", SiteId = "wwtp1",
            DeviceId = device.Id, SensorId = device.SensorId("cod"), Location = device.Location.Description, Value = 61.2, Limit = 50, Unit = "mg/L",
            Message = "Effluent COD above 1A", RaisedAt = Day, ChangedAt = Day,
        };
        var sut = new Messages.MessageFormatter(Baoshan.Registry, TimeSpan.FromHours(8));

        var message = sut.Render(alarm, "Raised", Rosters.MessageLanguage.ZhEn, null, null, Day.AddMinutes(75));

        message.Text.ShouldContain($"位置：{plant.NameZh} · {station.NameZh}（{device.Id}）");
        message.Text.ShouldContain($"Where: {plant.Name} · {station.Name}");
        message.Text.ShouldContain("开始：2026-11-27 10:00:00（UTC+08:00），已持续 1 小时 15 分钟");
        message.Text.ShouldContain("Since: 2026-11-27 10:00:00 (UTC+08:00), 1 h 15 min ago");
        message.Text.ShouldContain("(limit 50 mg/L)");
        message.Text.ShouldNotContain("进入：");
        // Quantities without a Chinese name in the formatter keep the registry's name.
        device.TryGetChannel("cod", out var cod).ShouldBeTrue();
        message.Subject.ShouldBe($"【保山生命线·中·告警】{plant.NameZh} {station.NameZh} {cod!.Type.Name} / [Lifeline Medium · Raised] {plant.Name} {station.Name}: {cod.Type.Name}");
    }
}
