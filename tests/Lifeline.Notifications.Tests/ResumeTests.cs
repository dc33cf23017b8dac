using Lifeline.Alarms;
using Lifeline.Notifications.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Notifications.Tests;

/// <summary>
/// Escalation across a restart: a second notification service over the same journal folder, the same clock and the alarm
/// state the first one left takes up the calls where the plan stands, sends what fell due while it was down once, and
/// sends nothing again that was delivered before.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    // 10:00 in Baoshan (UTC+8): the day shift (a, then b; the supervisor last) is on.
    private static readonly DateTimeOffset Day = new(2026, 11, 27, 2, 0, 0, TimeSpan.Zero);

    private const string Roster = """
        utc_offset: "+08:00"
        escalation: {ack_within: 10m, remind_every: 4m, final_reminders: 2}
        people:
          - {id: a, name: 甲, phone: "13800000001", notify: [sms]}
          - {id: b, name: 乙, phone: "13800000002", notify: [sms]}
          - {id: boss, name: 主管, phone: "13800000009", notify: [sms], lang: en}
        crews:
          - id: ych
            name: 永昌路
            areas: {sites: [yongchang-rd]}
            groups: [robot]
            supervisor: boss
            shifts:
              - {name: day, from: "08:00", to: "20:00", on_call: [a, b]}
              - {name: night, from: "20:00", to: "08:00", on_call: [b]}
        """;

    private readonly string _journal = Directory.CreateTempSubdirectory("lifeline-notifications-").FullName;
    private readonly FakeTimeProvider _time = new(Day);
    private readonly RecordingChannel _sms = new("sms", ChannelType.Sms);
    private readonly RecordingChannel _robot = new("robot", ChannelType.WeCom);

    public void Dispose() => Directory.Delete(_journal, recursive: true);

    private static (string To, string Kind)[] Sent(RecordingChannel channel) =>
        channel.Messages.Select(m => (m.Recipient?.Id ?? "group", m.Kind)).ToArray();

    private Harness Start(AlarmServiceState? restored, string? journal = null, RecordingChannel? sms = null, RecordingChannel? robot = null) =>
        new(Roster, _time, journal ?? _journal, restored, null, sms ?? _sms, robot ?? _robot);

    /// <summary>Waits until every message decided has its outcome journaled; returns the alarm state the server leaves when it stops now.</summary>
    private static async Task<AlarmServiceState> Stop(Harness server)
    {
        await server.Settle();
        await Poll.Until(
            () => server.Records.Count(r => r.Status == "Queued") == server.Records.Count(r => r.Status == "Sent"),
            () => string.Join(", ", server.Records.Select(r => $"{r.Id} {r.Kind} {r.Status}")));
        return server.Alarms.CaptureState();
    }

    private static async Task Minutes(Harness server, int minutes)
    {
        for (var i = 0; i < minutes; i++)
        {
            await server.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task Escalation_due_during_the_downtime_reaches_the_next_person_at_once_and_goes_on_from_there()
    {
        AlarmServiceState state;
        string id;
        await using (var before = Start(null))
        {
            id = before.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
            await before.Settle();
            await Minutes(before, 5);
            await Poll.Until(() => _sms.Messages.Count == 2, () => string.Join(", ", Sent(_sms)));
            Sent(_sms).ShouldBe([("a", "Raised"), ("a", "Reminder")]);
            state = await Stop(before);
        }

        // Down from minute 5 to minute 15: the call of b fell due at 10 (and b's first reminder at 14).
        _time.Advance(TimeSpan.FromMinutes(10));
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var after = Start(state, sms: sms, robot: robot);
        await after.Settle();
        after.Service.Resumed.ShouldBe(1);
        await Poll.Until(() => sms.Messages.Count == 1 && robot.Messages.Count == 1, () => string.Join(", ", Sent(sms)));

        // b once, at once; nothing again to a; the group hears of the escalation.
        Sent(sms).ShouldBe([("b", "Escalated")]);
        var escalated = sms.Messages.Single();
        escalated.Text.ShouldContain("甲 未在 10 分钟内确认，已升级至 乙");
        escalated.Text.ShouldContain("resumed after a server restart");
        Sent(robot).ShouldBe([("group", "Escalated")]);
        robot.Messages.Single().Mentions.ShouldBe(["13800000002"]);

        // The plan keeps its times: b's next reminder at 18, the supervisor at 20.
        await Minutes(after, 2);
        await Poll.Until(() => sms.Messages.Count == 1);
        after.Records.Count(r => r.Status == "Queued").ShouldBe(2);
        await Minutes(after, 4);
        await Poll.Until(() => sms.Messages.Count == 3, () => string.Join(", ", Sent(sms)));
        Sent(sms).ShouldBe([("b", "Escalated"), ("b", "Reminder"), ("boss", "Escalated")]);

        // Those called before the restart hear of the acknowledgement too.
        await after.Ack(id);
        await Poll.Until(() => sms.Messages.Count == 6, () => string.Join(", ", Sent(sms)));
        Sent(sms)[3..].ShouldBe([("a", "Acknowledged"), ("b", "Acknowledged"), ("boss", "Acknowledged")], ignoreOrder: true);

        // The journal holds both lives of the alarm, numbered on.
        var history = after.Journal!.ForAlarm(id);
        history.Select(r => r.Id).ShouldBeUnique();
        history.Count(r => r.Kind == "Raised" && r.Recipient == "a").ShouldBe(1);
    }

    [Fact]
    public async Task Missed_reminders_are_sent_once_not_once_each()
    {
        AlarmServiceState state;
        await using (var before = Start(null))
        {
            before.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
            await Poll.Until(() => _sms.Messages.Count == 1);
            state = await Stop(before);
        }

        // Down for 9 minutes: the reminders of 4 and 8 minutes were missed; the escalation (10) is not due yet.
        _time.Advance(TimeSpan.FromMinutes(9));
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        await using var after = Start(state, sms: sms);
        await after.Settle();
        await Poll.Until(() => sms.Messages.Count == 1);
        Sent(sms).ShouldBe([("a", "Reminder")]);
        sms.Messages.Single().Text.ShouldContain("resumed after a server restart");

        await Minutes(after, 1);
        await Poll.Until(() => sms.Messages.Count == 2, () => string.Join(", ", Sent(sms)));
        Sent(sms).ShouldBe([("a", "Reminder"), ("b", "Escalated")]);
    }

    [Fact]
    public async Task Nobody_reached_before_the_restart_everyone_due_is_called_once()
    {
        // The alarm state survived but no notification was journaled (the server stopped between the two).
        AlarmServiceState state;
        var elsewhere = Directory.CreateTempSubdirectory("lifeline-notifications-").FullName;
        try
        {
            await using (var before = Start(null, journal: elsewhere, sms: new RecordingChannel("sms", ChannelType.Sms), robot: new RecordingChannel("robot", ChannelType.WeCom)))
            {
                before.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
                state = await Stop(before);
            }
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }

        // 25 minutes later: by the plan, b was due at 10 and the supervisor at 20.
        _time.Advance(TimeSpan.FromMinutes(25));
        await using var after = Start(state);
        await after.Settle();
        await Poll.Until(() => _sms.Messages.Count == 3 && _robot.Messages.Count == 2, () => string.Join(", ", Sent(_sms)));
        Sent(_sms).ShouldBe([("a", "Raised"), ("b", "Escalated"), ("boss", "Escalated")]);
        _sms.Messages.ShouldAllBe(m => m.Text.Contains("resumed after a server restart"));
        Sent(_robot).ShouldBe([("group", "Raised"), ("group", "Escalated")]);
        _robot.Messages.Last().Mentions.ShouldBe(["13800000009"]);

        // The supervisor's final reminders keep their times (24 was before the call, 28 after), then the calls end.
        await Minutes(after, 10);
        await Poll.Until(() => _sms.Messages.Count == 4, () => string.Join(", ", Sent(_sms)));
        Sent(_sms)[3].ShouldBe(("boss", "Reminder"));
        await Minutes(after, 30);
        after.Records.Count(r => r.Status == "Queued").ShouldBe(4 + 2);
    }

    [Fact]
    public async Task Alarms_acknowledged_or_cleared_before_the_restart_get_no_new_calls()
    {
        AlarmServiceState state;
        await using (var before = Start(null))
        {
            var acknowledged = before.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
            before.Raise(Baoshan.YongchangBranch, "o2.low.l2", 16.5);
            await Poll.Until(() => _sms.Messages.Count == 2);
            await before.Ack(acknowledged);
            before.Clear(Baoshan.YongchangBranch, "o2.low.l2", 20.9);
            await Poll.Until(() => _sms.Messages.Count == 4, () => string.Join(", ", Sent(_sms)));
            state = await Stop(before);
        }

        state.Alarms.Select(a => a.State).ShouldBe(["Acknowledged", "ReturnedUnacknowledged"], ignoreOrder: true);
        _time.Advance(TimeSpan.FromMinutes(30));
        await using var after = Start(state);
        await after.Settle();
        await Minutes(after, 60);
        after.Service.Resumed.ShouldBe(0);
        after.Records.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_message_the_shutdown_caught_in_its_queue_is_sent_after_the_restart()
    {
        // A channel that never answers: the Raised message stays queued (journaled as such, never delivered).
        AlarmServiceState state;
        var stuck = new StuckChannel("sms");
        await using (var before = new Harness(Roster, _time, _journal, null, null, stuck, new RecordingChannel("robot", ChannelType.WeCom)))
        {
            before.Raise(Baoshan.GasZone3, "ch4.high.l2", 32);
            await before.Settle();
            await Poll.Until(() => stuck.Started);
            state = before.Alarms.CaptureState();
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        var sms = new RecordingChannel("sms", ChannelType.Sms);
        var robot = new RecordingChannel("robot", ChannelType.WeCom);
        await using var after = Start(state, sms: sms, robot: robot);
        await after.Settle();
        await Poll.Until(() => sms.Messages.Count == 1);
        Sent(sms).ShouldBe([("a", "Raised")]);

        // The group's post was delivered before the restart: not again.
        after.Records.ShouldNotContain(r => r.Recipient == "group");
        robot.Messages.ShouldBeEmpty();
    }

    /// <summary>A channel whose sends never finish until cancelled.</summary>
    private sealed class StuckChannel(string name) : INotificationChannel
    {
        private volatile bool _started;

        public string Name { get; } = name;

        public ChannelType Type => ChannelType.Sms;

        public bool Started => _started;

        public async Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
        {
            _started = true;
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
