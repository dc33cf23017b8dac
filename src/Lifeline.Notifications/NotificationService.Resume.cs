using System.Globalization;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Microsoft.Extensions.Logging;

namespace Lifeline.Notifications;

/// <summary>
/// Taking up the calls again after a restart. The alarms restored from the alarm journal that still need someone
/// (unacknowledged and annunciated: not shelved, suppressed, out of service) are followed again from where their escalation
/// plan stands: the journal says who was already called, when, over which channel; the plan keeps its times (it starts when
/// the alarm was first called, and the downtime does not push it back). What fell due while the server was down is sent
/// at once, once: the people of the ladder not reached yet up to the level the plan has come to, and one reminder to the
/// person called last if one or more reminders were missed. Nothing already delivered for the same occasion is sent again;
/// a message that was not delivered (caught in its queue by the shutdown, refused by a full queue, failed) is sent again.
/// </summary>
public sealed partial class NotificationService
{
    private const string ResumedNote = "（服务器重启后补发）/ (resumed after a server restart)";

    private int _resumed;

    /// <summary>How many restored alarms had their calls taken up again at start-up.</summary>
    public int Resumed => Volatile.Read(ref _resumed);

    /// <summary>How many alarms have calls running (someone is called, reminded or escalated to while nobody acknowledges).</summary>
    public int Calling
    {
        get
        {
            lock (_gate)
            {
                return _tracked.Values.Count(t => t.Calls.Any(c => c.Active));
            }
        }
    }

    /// <summary>Whether an alarm still needs someone to answer it: unacknowledged and annunciated (or latching and cleared, still unacknowledged).</summary>
    public static bool NeedsCalling(AlarmDto alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        return alarm.State == nameof(AlarmState.Unacknowledged)
            || (alarm.State == nameof(AlarmState.ReturnedUnacknowledged) && alarm.Latching);
    }

    private void ResumeRestored()
    {
        if (_restored is null)
        {
            return;
        }

        AlarmSnapshot? snapshot;
        try
        {
            snapshot = _restored();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
        {
            Log.ResumeFailed(_logger, ex, "(all)");
            return;
        }

        if (snapshot is null)
        {
            return;
        }

        // The alarms as restored, before any transition of this run: those transitions wait in the inbox and follow.
        var pending = snapshot.Alarms.Where(NeedsCalling).OrderBy(a => a.Seq).ToList();
        IReadOnlyDictionary<string, List<NotificationRecord>> journaled;
        try
        {
            journaled = _journal?.RecordsOf(pending.Select(a => a.Id).ToList()) ?? new Dictionary<string, List<NotificationRecord>>();
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Better called twice than not at all: without the journal, everyone due is called.
            Log.ResumeFailed(_logger, ex, "(journal)");
            journaled = new Dictionary<string, List<NotificationRecord>>();
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var alarm in pending)
            {
                if (_tracked.ContainsKey(alarm.Id))
                {
                    continue;
                }

                try
                {
                    Resume(alarm, journaled.GetValueOrDefault(alarm.Id) ?? [], now);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One alarm that cannot be worked out never keeps the others from being called.
                    Log.ResumeFailed(_logger, ex, alarm.Id);
                }
            }

            Schedule();
        }

        Processed(snapshot.Seq);
    }

    private void Processed(long seq)
    {
        long current;
        do
        {
            current = Interlocked.Read(ref _processedSeq);
        }
        while (seq > current && Interlocked.CompareExchange(ref _processedSeq, seq, current) != current);
    }

    private void Resume(AlarmDto alarm, IReadOnlyList<NotificationRecord> records, DateTimeOffset now)
    {
        // One entry per notification: its decision (time, level) and its latest state.
        var notifications = new List<(NotificationRecord Decision, NotificationRecord Outcome)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records.Where(r => r.Id.StartsWith('N') && string.Equals(r.AlarmId, alarm.Id, StringComparison.Ordinal)))
        {
            if (index.TryGetValue(record.Id, out var at))
            {
                notifications[at] = (notifications[at].Decision, record);
            }
            else
            {
                index[record.Id] = notifications.Count;
                notifications.Add((record, record));
            }
        }

        var tracked = new Tracked(alarm);
        foreach (var crew in Route(alarm))
        {
            var mine = notifications.Where(n => string.Equals(n.Decision.Crew, crew.Id, StringComparison.Ordinal)).ToList();
            var start = mine.Where(n => n.Decision.Kind is "Raised" or "Reraised").Select(n => (DateTimeOffset?)n.Decision.At).Min() ?? CallStart(alarm);
            var call = new CrewCall(crew, Ladder(crew, start), start);
            var last = call.Ladder.Count - 1;

            // What was delivered (or held back for a digest by the rate limit) is not sent again; what the shutdown caught in
            // a queue, a full queue refused or every attempt failed to deliver is.
            var reminders = new Dictionary<(string Recipient, string Channel, int Level), int>();
            foreach (var (decision, outcome) in mine)
            {
                var key = decision.Recipient == "group" ? GroupPrefix + crew.Id : decision.Recipient;
                var nth = 0;
                if (decision.Kind == "Reminder")
                {
                    var slot = (key, decision.Channel ?? string.Empty, decision.Level);
                    nth = reminders[slot] = reminders.GetValueOrDefault(slot) + 1;
                }

                var occasion = decision.Kind switch
                {
                    "Escalated" when decision.Recipient == "group" => $"Escalated#{decision.Level}",
                    "Escalated" => $"Escalated#{decision.Level}#0",
                    "Reminder" => $"Reminder#{decision.Level}#{nth}",
                    _ => decision.Kind,
                };
                if (outcome.Status is "Sent" or "Suppressed")
                {
                    tracked.Sent.Add($"{crew.Id}|{key}|{decision.Channel}|{occasion}");
                    if (call.Ladder.FirstOrDefault(m => m.Id == decision.Recipient) is { } member && !call.Called.Contains(member))
                    {
                        call.Called.Add(member);
                    }
                }
            }

            // Where the plan stood: the last level called, since when, and the reminders made there.
            var escalations = mine.Where(n => n.Decision.Kind == "Escalated" && n.Decision.Recipient != "group").Select(n => n.Decision).ToList();
            var level = escalations.Count == 0 ? 0 : Math.Min(escalations.Max(r => r.Level), last);
            var since = escalations.Where(r => r.Level == level).Select(r => (DateTimeOffset?)r.At).Min() ?? start;
            if (mine.Where(n => n.Decision.Kind == "Acknowledged" && n.Decision.At >= since).Select(n => (DateTimeOffset?)n.Decision.At).Max() is { } acknowledged)
            {
                // Acknowledged, then unacknowledged again: the plan started again at that level when it came back.
                since = mine.Where(n => n.Decision.Kind == "Reraised" && n.Decision.At >= acknowledged).Select(n => (DateTimeOffset?)n.Decision.At).Min() ?? alarm.ChangedAt;
            }

            var reached = level;
            call.Level = level;
            call.LevelSince = since;
            call.Reminders = mine
                .Where(n => n.Decision.Kind == "Reminder" && n.Decision.Level == level && n.Decision.At >= since && n.Decision.Recipient == call.Ladder[level].Id)
                .GroupBy(n => n.Decision.Channel, StringComparer.Ordinal)
                .Select(g => g.Count())
                .DefaultIfEmpty(0)
                .Max();

            // Walk the plan through the downtime to now.
            var reminderDue = false;
            Plan(call);
            while (call.Active && call.NextAt is { } due && due <= now)
            {
                var policy = crew.Escalation;
                if (call.Level < last && due >= call.LevelSince + policy.AckWithin)
                {
                    call.Level++;
                    call.LevelSince = due;
                    call.Reminders = 0;
                    reminderDue = false;
                }
                else
                {
                    call.Reminders++;
                    reminderDue = true;
                }

                Plan(call);
            }

            // Everyone on the ladder up to where the plan has come who has not had the call yet, once.
            var (walkedLevel, walkedReminders) = (call.Level, call.Reminders);
            var calledBefore = call.Called.Contains(call.Ladder[walkedLevel]);
            for (var i = 0; i <= walkedLevel; i++)
            {
                call.Level = i;
                call.Reminders = 0;
                var member = call.Ladder[i];
                if (i == 0)
                {
                    Call(tracked, call, member, "Raised", ResumedNote, now);
                    Group(tracked, call, "Raised", member, ResumedNote, now);
                    continue;
                }

                var minutes = crew.Escalation.AckWithin.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
                var previous = call.Ladder[i - 1];
                var note = $"{previous.Name} 未在 {minutes} 分钟内确认，已升级至 {member.Name}{(i == last ? "（主管）" : string.Empty)} / not acknowledged by {previous.Name} within {minutes} min, escalated to {member.Name} {ResumedNote}";
                Call(tracked, call, member, "Escalated", note, now);
                if (i > reached && i == walkedLevel)
                {
                    Group(tracked, call, "Escalated", member, note, now);
                }
            }

            (call.Level, call.Reminders) = (walkedLevel, walkedReminders);
            if (reminderDue && calledBefore)
            {
                // However many reminders the downtime missed: one now.
                Call(tracked, call, call.Ladder[walkedLevel], "Reminder", ResumedNote, now);
            }

            Plan(call);
            tracked.Calls.Add(call);
            Log.ResumedCall(_logger, alarm.Id, crew.Id, call.Ladder[walkedLevel].Id, walkedLevel, call.NextAt);
        }

        if (tracked.Calls.Count > 0)
        {
            _tracked[alarm.Id] = tracked;
            Interlocked.Increment(ref _resumed);
        }
        else
        {
            Log.NoCrew(_logger, alarm.Id, alarm.Priority, alarm.Location);
        }
    }

    /// <summary>When the calls of an alarm nobody was called for yet started: when it was raised, or came back into annunciation.</summary>
    private static DateTimeOffset CallStart(AlarmDto alarm) =>
        alarm.Transition is "Reraised" or "Unshelved" or "ShelveExpired" or "Unsuppressed" or "ReturnedToService" ? alarm.ChangedAt : alarm.RaisedAt;

    private static partial class Log
    {
        [LoggerMessage(EventId = 904, Level = LogLevel.Information, Message = "Alarm {AlarmId}: calls of crew {Crew} taken up again after the restart at level {Level} ({Member}); next step at {NextAt}")]
        public static partial void ResumedCall(ILogger logger, string alarmId, string crew, string member, int level, DateTimeOffset? nextAt);

        [LoggerMessage(EventId = 905, Level = LogLevel.Error, Message = "Notifications of restored alarm {AlarmId} could not be taken up again after the restart")]
        public static partial void ResumeFailed(ILogger logger, Exception exception, string alarmId);
    }
}
