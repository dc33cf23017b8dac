using System.Globalization;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Notifications.Channels;
using Lifeline.Notifications.Messages;
using Lifeline.Notifications.Rosters;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lifeline.Notifications;

/// <summary>
/// Turns alarm transitions into crew notifications. Transitions arrive as an <see cref="IAlarmObserver"/> and are only
/// queued there (the alarm path never waits); a background loop routes each to the crews of its area and priority, calls
/// the person first on the shift's list, reminds, escalates to the next and finally to the supervisor while nobody
/// acknowledges, and tells those called when it is acknowledged or clears. Each recipient gets one message per alarm
/// occurrence per kind of message; a per-recipient, per-channel rate limit holds the rest back for one digest. Messages
/// go to per-channel delivery queues; every decision and delivery result is journaled.
/// </summary>
public sealed partial class NotificationService : BackgroundService, IAlarmObserver
{
    private const string GroupPrefix = "group:";

    private readonly Roster _roster;
    private readonly AssetRegistry _registry;
    private readonly IReadOnlyDictionary<string, INotificationChannel> _channels;
    private readonly NotificationOptions _options;
    private readonly AckLinks? _links;
    private readonly NotificationJournal? _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MessageFormatter _formatter;
    private readonly System.Threading.Channels.Channel<AlarmDto> _inbox = System.Threading.Channels.Channel.CreateUnbounded<AlarmDto>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, DeliveryQueue> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Tracked> _tracked = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Recipient, string Channel), RateState> _rates = [];
    private readonly ITimer _timer;
    private readonly Func<AlarmSnapshot?>? _restored;
    private long _nextId;
    private long _processedSeq;
    private long _deduplicated;
    private long _suppressed;
    private long _dropped;

    public NotificationService(
        Roster roster,
        AssetRegistry registry,
        IReadOnlyDictionary<string, INotificationChannel> channels,
        NotificationOptions options,
        AckLinks? links,
        NotificationJournal? journal,
        TimeProvider time,
        ILogger<NotificationService> logger,
        Func<AlarmSnapshot?>? restored = null)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        _roster = roster;
        _registry = registry;
        _channels = channels;
        _options = options;
        _links = links;
        _journal = journal;
        _time = time;
        _logger = logger;
        _restored = restored;
        _formatter = new MessageFormatter(registry, roster.UtcOffset);
        _nextId = journal?.HighestNumber() ?? 0;
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The seq of the last alarm transition handled.</summary>
    public long ProcessedSeq => Interlocked.Read(ref _processedSeq);

    /// <summary>Figures: messages not sent because the same recipient already had that message, held back by the rate limit, refused by a full queue.</summary>
    public (long Deduplicated, long Suppressed, long Dropped) Counters => (Interlocked.Read(ref _deduplicated), Interlocked.Read(ref _suppressed), Interlocked.Read(ref _dropped));

    /// <summary>Messages waiting per channel.</summary>
    public IReadOnlyDictionary<string, int> Backlog
    {
        get
        {
            lock (_gate)
            {
                return _queues.ToDictionary(q => q.Key, q => q.Value.Backlog, StringComparer.Ordinal);
            }
        }
    }

    public Roster Roster => _roster;

    /// <summary>Called under the alarm service's lock: only queues the transition.</summary>
    public void OnAlarmChanged(AlarmDto change) => _inbox.Writer.TryWrite(change);

    /// <summary>The crews an alarm goes to: those whose area names its place most specifically and who take its priority; else the fallback crew.</summary>
    public IReadOnlyList<Crew> Route(AlarmDto alarm)
    {
        ArgumentNullException.ThrowIfNull(alarm);
        var priority = Enum.TryParse<AlarmPriority>(alarm.Priority, out var p) ? p : AlarmPriority.High;
        var stationId = _registry.TryGetDevice(alarm.DeviceId, out var device) ? device.Location.StationId : null;
        var tunnelId = alarm.TunnelId ?? device?.Location.TunnelId;
        var best = 0;
        var crews = new List<Crew>();
        foreach (var crew in _roster.Crews)
        {
            var match = crew.Area.Match(alarm.SiteId, tunnelId, stationId);
            if (match == 0 || !crew.Priorities.Contains(priority))
            {
                continue;
            }

            if (match > best)
            {
                best = match;
                crews.Clear();
            }

            if (match == best)
            {
                crews.Add(crew);
            }
        }

        if (crews.Count == 0 && _roster.Crews.FirstOrDefault(c => c.Fallback) is { } fallback && fallback.Priorities.Contains(priority))
        {
            crews.Add(fallback);
        }

        return crews;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _inbox.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        foreach (var queue in _queues.Values)
        {
            await queue.DisposeAsync();
        }

        await _timer.DisposeAsync();
    }

    public override void Dispose()
    {
        _timer.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_gate)
        {
            foreach (var (name, channel) in _channels)
            {
                _queues[name] = new DeliveryQueue(channel, _options.Delivery, _time, Delivered, _options.Channels.GetValueOrDefault(name)?.QueueCapacity);
            }
        }

        ResumeRestored();

        try
        {
            await foreach (var change in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    lock (_gate)
                    {
                        Handle(change);
                        Schedule();
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    Log.HandleFailed(_logger, ex, change.Id, change.Seq);
                }

                Processed(change.Seq);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static bool Annunciates(AlarmDto change) =>
        change.State == nameof(AlarmState.Unacknowledged)
        && change.Transition is "Raised" or "Reraised" or "Unshelved" or "ShelveExpired" or "Unsuppressed" or "ReturnedToService";

    private void Handle(AlarmDto change)
    {
        var now = _time.GetUtcNow();
        _tracked.TryGetValue(change.Id, out var tracked);
        if (Annunciates(change))
        {
            if (tracked is null)
            {
                tracked = new Tracked(change);
                _tracked[change.Id] = tracked;
                foreach (var crew in Route(change))
                {
                    var call = new CrewCall(crew, Ladder(crew, now), now);
                    tracked.Calls.Add(call);
                    var kind = change.Transition == "Reraised" ? "Reraised" : "Raised";
                    Call(tracked, call, call.Ladder[0], kind, null, now);
                    Group(tracked, call, kind, call.Ladder[0], null, now);
                    Plan(call);
                }

                if (tracked.Calls.Count == 0)
                {
                    Log.NoCrew(_logger, change.Id, change.Priority, change.Location);
                }
            }
            else
            {
                tracked.Alarm = change;
                foreach (var call in tracked.Calls)
                {
                    foreach (var member in call.Called)
                    {
                        Call(tracked, call, member, "Reraised", null, now);
                    }

                    if (!call.Active)
                    {
                        // Acknowledged before, unacknowledged again: the ladder starts again where it was.
                        call.Active = true;
                        call.LevelSince = now;
                        call.Reminders = 0;
                        Plan(call);
                    }
                }
            }

            return;
        }

        if (tracked is null)
        {
            return;
        }

        tracked.Alarm = change;
        switch (change.Transition)
        {
            case "Acknowledged":
                foreach (var call in tracked.Calls)
                {
                    call.Active = false;
                    call.NextAt = null;
                    var note = $"已由 {change.AcknowledgedBy} 确认 / acknowledged by {change.AcknowledgedBy}";
                    foreach (var member in call.Called)
                    {
                        Call(tracked, call, member, "Acknowledged", note, now);
                    }

                    Group(tracked, call, "Acknowledged", null, note, now);
                }

                break;
            case "Cleared":
                var keepCalling = change.Latching && change.AcknowledgedAt is null;
                foreach (var call in tracked.Calls)
                {
                    foreach (var member in call.Called)
                    {
                        Call(tracked, call, member, "Cleared", null, now);
                    }

                    Group(tracked, call, "Cleared", null, null, now);
                    if (!keepCalling)
                    {
                        call.Active = false;
                        call.NextAt = null;
                    }
                }

                break;
        }

        // Over, shelved, suppressed, out of service: nobody needs calling any more.
        if (change.State is nameof(AlarmState.Normal) or nameof(AlarmState.Shelved) or nameof(AlarmState.Suppressed) or nameof(AlarmState.OutOfService))
        {
            _tracked.Remove(change.Id);
        }
        else if (tracked.Calls.All(c => !c.Active) && change.State == nameof(AlarmState.Acknowledged) && !change.ConditionActive)
        {
            _tracked.Remove(change.Id);
        }
    }

    /// <summary>The people called in turn: those on call in the shift on duty now, then the supervisor.</summary>
    private List<CrewMember> Ladder(Crew crew, DateTimeOffset now)
    {
        var local = TimeOnly.FromDateTime(now.ToOffset(_roster.UtcOffset).DateTime);
        var ladder = new List<CrewMember>(crew.ShiftAt(local)?.OnCall ?? []);
        ladder.Remove(crew.Supervisor);
        ladder.Add(crew.Supervisor);
        return ladder;
    }

    /// <summary>When the call of one crew next needs something: a reminder to the person called last, or the next person.</summary>
    private static void Plan(CrewCall call)
    {
        if (!call.Active)
        {
            call.NextAt = null;
            return;
        }

        var policy = call.Crew.Escalation;
        var last = call.Level >= call.Ladder.Count - 1;
        if (!last)
        {
            var escalateAt = call.LevelSince + policy.AckWithin;
            var remindAt = policy.RemindEvery > TimeSpan.Zero ? call.LevelSince + (policy.RemindEvery * (call.Reminders + 1)) : DateTimeOffset.MaxValue;
            call.NextAt = remindAt < escalateAt ? remindAt : escalateAt;
            return;
        }

        var interval = policy.RemindEvery > TimeSpan.Zero ? policy.RemindEvery : policy.AckWithin;
        call.NextAt = call.Reminders < policy.FinalReminders ? call.LevelSince + (interval * (call.Reminders + 1)) : null;
        call.Active = call.NextAt is not null;
    }

    private void OnTimer()
    {
        try
        {
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                foreach (var tracked in _tracked.Values)
                {
                    foreach (var call in tracked.Calls)
                    {
                        if (!call.Active || call.NextAt is not { } due || due > now)
                        {
                            continue;
                        }

                        var policy = call.Crew.Escalation;
                        if (call.Level < call.Ladder.Count - 1 && now >= call.LevelSince + policy.AckWithin)
                        {
                            var previous = call.Ladder[call.Level];
                            call.Level++;
                            call.LevelSince = now;
                            call.Reminders = 0;
                            var next = call.Ladder[call.Level];
                            var minutes = policy.AckWithin.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
                            var note = $"{previous.Name} 未在 {minutes} 分钟内确认，已升级至 {next.Name}{(call.Level == call.Ladder.Count - 1 ? "（主管）" : string.Empty)} / not acknowledged by {previous.Name} within {minutes} min, escalated to {next.Name}";
                            Call(tracked, call, next, "Escalated", note, now);
                            Group(tracked, call, "Escalated", next, note, now);
                        }
                        else
                        {
                            call.Reminders++;
                            Call(tracked, call, call.Ladder[call.Level], "Reminder", null, now);
                        }

                        Plan(call);
                    }
                }

                FlushDigests(now);
                Schedule();
            }
        }
        catch (Exception ex)
        {
            // A timer callback must never throw (it would end the process); the next transition or tick tries again.
            Log.TimerFailed(_logger, ex);
        }
    }

    /// <summary>Sets the timer to the earliest thing due (a reminder, an escalation, a digest).</summary>
    private void Schedule()
    {
        DateTimeOffset? earliest = null;
        foreach (var tracked in _tracked.Values)
        {
            foreach (var call in tracked.Calls)
            {
                if (call.Active && call.NextAt is { } at && (earliest is null || at < earliest))
                {
                    earliest = at;
                }
            }
        }

        foreach (var rate in _rates.Values)
        {
            if (rate.Held.Count > 0 && rate.DigestAt(_options.RateLimit) is { } at && (earliest is null || at < earliest))
            {
                earliest = at;
            }
        }

        if (earliest is { } due)
        {
            var wait = due - _time.GetUtcNow();
            _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private void Call(Tracked tracked, CrewCall call, CrewMember member, string kind, string? note, DateTimeOffset now)
    {
        if (!call.Called.Contains(member))
        {
            call.Called.Add(member);
        }

        var occasion = kind is "Reminder" or "Escalated" ? $"{kind}#{call.Level}#{call.Reminders}" : kind;
        var actionable = kind is "Raised" or "Reraised" or "Reminder" or "Escalated";
        Uri? ackUrl = null;
        if (actionable && _links is not null && _options.PublicBaseUrl is { } baseUrl)
        {
            ackUrl = new Uri(baseUrl, "ack/" + _links.Create(tracked.Alarm.Id, member.Id, call.Crew.Id));
        }

        foreach (var channel in member.Notify)
        {
            Deliver(tracked, call, member.Id, member, channel, kind, occasion, note, ackUrl, [], member.Language, now);
        }
    }

    private void Group(Tracked tracked, CrewCall call, string kind, CrewMember? mention, string? note, DateTimeOffset now)
    {
        var occasion = kind == "Escalated" ? $"{kind}#{call.Level}" : kind;
        IReadOnlyList<string> mentions = mention?.Phone is { } phone ? [phone] : [];
        foreach (var channel in call.Crew.Groups)
        {
            Deliver(tracked, call, GroupPrefix + call.Crew.Id, null, channel, kind, occasion, note, null, mentions, call.Crew.GroupLanguage, now);
        }
    }

    private void Deliver(
        Tracked tracked, CrewCall call, string recipientKey, CrewMember? member, string channel, string kind, string occasion, string? note, Uri? ackUrl,
        IReadOnlyList<string> mentions, MessageLanguage language, DateTimeOffset now)
    {
        var alarm = tracked.Alarm;
        if (!tracked.Sent.Add($"{call.Crew.Id}|{recipientKey}|{channel}|{occasion}"))
        {
            Interlocked.Increment(ref _deduplicated);
            return;
        }

        var id = NextId();
        var rate = Rate(recipientKey, channel);
        if (!rate.TryTake(now, _options.RateLimit))
        {
            Interlocked.Increment(ref _suppressed);
            rate.Hold(alarm, call.Crew.Id, member, language);
            Journal(new NotificationRecord
            {
                Id = id, AlarmId = alarm.Id, AlarmSeq = alarm.Seq, Kind = kind, Crew = call.Crew.Id, Recipient = member?.Id ?? "group",
                RecipientName = member?.Name, Channel = channel, Level = call.Level, Status = "Suppressed", At = now,
                Detail = $"rate limit: {_options.RateLimit.Messages} messages per {_options.RateLimit.Window.TotalMinutes:0.#} min to this recipient on this channel; listed in the next digest",
            });
            return;
        }

        var rendered = _formatter.Render(alarm, kind, language, ackUrl, note, now);
        var message = new OutboundMessage(id, kind, alarm.Id, call.Crew.Id, member, rendered.Subject, rendered.Text, rendered.Markdown, ackUrl, mentions, alarm);
        Send(message, channel, call.Level, now);
    }

    private void Send(OutboundMessage message, string channel, int level, DateTimeOffset now, IReadOnlyList<string>? alarms = null)
    {
        var record = new NotificationRecord
        {
            Id = message.Id, AlarmId = message.AlarmId, AlarmSeq = message.Alarm?.Seq, Kind = message.Kind, Crew = message.Crew,
            Recipient = message.Recipient?.Id ?? "group", RecipientName = message.Recipient?.Name, Channel = channel, Level = level,
            Status = "Queued", Subject = message.Subject, Alarms = alarms, At = now,
        };
        if (!_queues.TryGetValue(channel, out var queue))
        {
            Interlocked.Increment(ref _dropped);
            Journal(record with { Status = "Dropped", Detail = $"channel '{channel}' is not running" });
            return;
        }

        if (!queue.TryEnqueue(message))
        {
            Interlocked.Increment(ref _dropped);
            Journal(record with { Status = "Dropped", Detail = $"the queue of channel '{channel}' is full ({queue.Capacity}): the channel is failing or too slow" });
            return;
        }

        Journal(record);
    }

    private void FlushDigests(DateTimeOffset now)
    {
        foreach (var (key, rate) in _rates)
        {
            if (rate.Held.Count == 0 || rate.DigestAt(_options.RateLimit) is not { } due || due > now || !rate.TryTake(now, _options.RateLimit))
            {
                continue;
            }

            var held = rate.Held.Values.ToList();
            rate.Held.Clear();
            var rendered = _formatter.RenderDigest(held, _options.RateLimit.DigestLines, rate.Language);
            var message = new OutboundMessage(NextId(), "Digest", null, rate.Crew ?? string.Empty, rate.Member, rendered.Subject, rendered.Text, rendered.Markdown, null, [], null);
            Send(message, key.Channel, 0, now, held.Select(a => a.Id).ToList());
        }
    }

    private RateState Rate(string recipient, string channel)
    {
        if (!_rates.TryGetValue((recipient, channel), out var rate))
        {
            rate = new RateState();
            _rates[(recipient, channel)] = rate;
        }

        return rate;
    }

    private void Delivered(DeliveryResult result)
    {
        var message = result.Message;
        if (!result.Sent)
        {
            Log.DeliveryFailed(_logger, message.Id, result.Channel, message.Recipient?.Id ?? GroupPrefix + message.Crew, result.Attempts, result.Error ?? "?");
        }

        Journal(new NotificationRecord
        {
            Id = message.Id, AlarmId = message.AlarmId, AlarmSeq = message.Alarm?.Seq, Kind = message.Kind, Crew = message.Crew,
            Recipient = message.Recipient?.Id ?? "group", RecipientName = message.Recipient?.Name, Channel = result.Channel,
            Status = result.Sent ? "Sent" : "Failed", Attempts = result.Attempts, Detail = result.Error, Subject = message.Subject,
            At = _time.GetUtcNow(),
        });
    }

    private void Journal(NotificationRecord record)
    {
        _journal?.Append(record);
        Journaled?.Invoke(record);
    }

    /// <summary>Every record as it is journaled (tests and diagnostics).</summary>
    public event Action<NotificationRecord>? Journaled;

    private string NextId() => $"N{Interlocked.Increment(ref _nextId):D6}";

    private sealed class Tracked(AlarmDto alarm)
    {
        public AlarmDto Alarm { get; set; } = alarm;

        public List<CrewCall> Calls { get; } = [];

        /// <summary>What was sent for this occurrence: crew|recipient|channel|occasion.</summary>
        public HashSet<string> Sent { get; } = new(StringComparer.Ordinal);
    }

    private sealed class CrewCall(Crew crew, List<CrewMember> ladder, DateTimeOffset since)
    {
        public Crew Crew { get; } = crew;

        public List<CrewMember> Ladder { get; } = ladder;

        public List<CrewMember> Called { get; } = [];

        public int Level { get; set; }

        public DateTimeOffset LevelSince { get; set; } = since;

        public int Reminders { get; set; }

        public DateTimeOffset? NextAt { get; set; }

        public bool Active { get; set; } = true;
    }

    /// <summary>Sliding-window count of messages to one recipient on one channel, and the alarms held back for the digest.</summary>
    private sealed class RateState
    {
        private readonly Queue<DateTimeOffset> _sent = new();

        public Dictionary<string, AlarmDto> Held { get; } = new(StringComparer.Ordinal);

        public string? Crew { get; private set; }

        public CrewMember? Member { get; private set; }

        public MessageLanguage Language { get; private set; }

        public bool TryTake(DateTimeOffset now, RateLimitOptions options)
        {
            while (_sent.Count > 0 && _sent.Peek() <= now - options.Window)
            {
                _sent.Dequeue();
            }

            if (_sent.Count >= options.Messages)
            {
                return false;
            }

            _sent.Enqueue(now);
            return true;
        }

        /// <summary>When the window has room again for the digest.</summary>
        public DateTimeOffset? DigestAt(RateLimitOptions options) => _sent.Count < options.Messages ? DateTimeOffset.MinValue : _sent.Peek() + options.Window;

        public void Hold(AlarmDto alarm, string crew, CrewMember? member, MessageLanguage language)
        {
            Held[alarm.Id] = alarm;
            Crew = crew;
            Member = member;
            Language = language;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, Level = LogLevel.Warning, Message = "Alarm {AlarmId} ({Priority}, {Location}): no crew covers this place and priority, nobody is notified")]
        public static partial void NoCrew(ILogger logger, string alarmId, string priority, string location);

        [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Notification {Id} over {Channel} to {Recipient} failed after {Attempts} attempt(s): {Error}")]
        public static partial void DeliveryFailed(ILogger logger, string id, string channel, string recipient, int attempts, string error);

        [LoggerMessage(EventId = 902, Level = LogLevel.Error, Message = "Notifications for alarm {AlarmId} (seq {Seq}) could not be worked out")]
        public static partial void HandleFailed(ILogger logger, Exception exception, string alarmId, long seq);

        [LoggerMessage(EventId = 903, Level = LogLevel.Error, Message = "Notification reminders and escalations could not be worked out")]
        public static partial void TimerFailed(ILogger logger, Exception exception);
    }
}
