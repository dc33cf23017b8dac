using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Rules;
using Microsoft.Extensions.Options;

namespace Lifeline.Alarms;

/// <summary>
/// Owns the alarm state and its ISA-18.2 lifecycle: applies rule transitions, operators' acknowledgements, resets and
/// shelves, engineers' maintenance and out-of-service scopes, and suppression by design while a device is in comm
/// loss. Numbers every transition with a global, strictly increasing seq, records who made it and why, writes it to the
/// journal, keeps a bounded change log for clients that reconnect, and tells observers — all under one lock, so every
/// observer and the journal see transitions in seq order.
/// </summary>
public sealed class AlarmService : IDisposable
{
    /// <summary>Who makes the transitions nobody in particular makes: rules, timers, suppression by design.</summary>
    public const string System = "system";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Alarm> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alarm> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlarmScopeDto> _maintenance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AlarmScopeDto> _outOfService = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _commLoss = new(StringComparer.Ordinal);
    private readonly HashSet<string> _commLossKinds;
    private readonly AlarmDto[] _log;
    private readonly IReadOnlyList<IAlarmObserver> _observers;
    private readonly IAlarmJournal? _journal;
    private readonly AlarmOptions _options;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private DateTimeOffset? _timerDue;
    private Task _lastDurable = Task.CompletedTask;
    private long _seq;
    private long _nextId;
    private bool _disposed;

    public AlarmService(IEnumerable<IAlarmObserver> observers, TimeProvider time, IOptions<AlarmOptions>? options = null, IAlarmJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(time);
        _observers = observers.ToArray();
        _time = time;
        _journal = journal;
        _options = options?.Value ?? new AlarmOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.ChangeLogCapacity, 1);
        _log = new AlarmDto[_options.ChangeLogCapacity];
        _commLossKinds = new HashSet<string>(_options.CommLossKinds, StringComparer.Ordinal);
        _timer = time.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Identifies the alarm history clients' seqs belong to. Kept across restarts by the journal; a client that knows
    /// another epoch (a new installation, a lost journal) must reload instead of applying changes by seq.
    /// </summary>
    public string Epoch { get; private set; } = Guid.NewGuid().ToString("N")[..16];

    /// <summary>The seq of the newest transition (0 before the first).</summary>
    public long Seq
    {
        get
        {
            lock (_gate)
            {
                return _seq;
            }
        }
    }

    /// <summary>Number of alarms that are not over (shelved, suppressed and out-of-service ones included).</summary>
    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _byId.Count;
            }
        }
    }

    /// <summary>The policy in force.</summary>
    public AlarmOptions Options => _options;

    internal static string KeyOf(string sensorId, string ruleId) => string.Concat(sensorId, "|", ruleId);

    /// <summary>The alarms as <see cref="Restore"/> took them up at start-up (null when nothing was restored), for observers that carry on from them.</summary>
    public AlarmSnapshot? Restored { get; private set; }

    /// <summary>Takes up the state a journal recorded, before anything else is applied.</summary>
    public void Restore(AlarmServiceState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_gate)
        {
            if (_seq != 0 || _byId.Count != 0)
            {
                throw new InvalidOperationException("the alarm service can only be restored before its first transition");
            }

            Epoch = state.Epoch;
            _seq = state.Seq;
            _nextId = state.NextId;
            foreach (var scope in state.Scopes.Where(s => s.Active))
            {
                (scope.Kind == AlarmScopeDto.ZoneMaintenance ? _maintenance : _outOfService)[scope.Id] = scope;
            }

            foreach (var dto in state.Alarms)
            {
                var alarm = Alarm.FromDto(dto);
                _byId[alarm.Id] = alarm;
                _byKey[alarm.Key] = alarm;
                if (alarm.ConditionActive && IsCommLoss(alarm))
                {
                    _commLoss[alarm.Template.DeviceId] = _commLoss.GetValueOrDefault(alarm.Template.DeviceId) + 1;
                }
            }

            Restored = new AlarmSnapshot(state.Epoch, state.Seq, state.Alarms);
            ScheduleLocked();
        }
    }

    /// <summary>Everything needed to restore the service: taken under the lock, consistent with <see cref="AlarmServiceState.Seq"/>.</summary>
    public AlarmServiceState CaptureState()
    {
        lock (_gate)
        {
            return new AlarmServiceState(Epoch, _seq, _nextId, [.. _byId.Values.Select(a => a.Last!)], [.. _maintenance.Values, .. _outOfService.Values]);
        }
    }

    /// <summary>Applies rule transitions in order.</summary>
    public void Apply(IReadOnlyList<RuleTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        for (var i = 0; i < transitions.Count; i++)
        {
            Apply(transitions[i]);
        }
    }

    /// <summary>Applies one rule transition: the condition of a rule on a sensor became true or false.</summary>
    public void Apply(RuleTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        lock (_gate)
        {
            var key = KeyOf(transition.SensorId, transition.Rule.Id);
            _byKey.TryGetValue(key, out var alarm);
            if (transition.Kind == RuleTransitionKind.Raised)
            {
                if (alarm is null)
                {
                    alarm = new Alarm
                    {
                        Template = TemplateFor(transition, $"A{++_nextId:D6}"),
                        ConditionActive = true,
                        Value = transition.Value,
                        RaisedAt = transition.At,
                    };
                    alarm.Suppression = SuppressionOf(alarm);
                    alarm.OutOfService = OutOfServiceOf(alarm);
                    _byKey[key] = alarm;
                    _byId[alarm.Id] = alarm;
                    Record(alarm, transition.At, AlarmTransitionKind.Raised, System, null);
                    OnConditionChanged(alarm, transition.At);
                }
                else if (!alarm.ConditionActive)
                {
                    // ISA-18.2 D → B (and a latched, shelved or suppressed alarm whose condition returns): a new
                    // activation that needs a new acknowledgement.
                    alarm.Template = TemplateFor(transition, alarm.Id); // under the rule in force now (a reload may have changed it)
                    alarm.ConditionActive = true;
                    alarm.Value = transition.Value;
                    alarm.RaisedAt = transition.At;
                    alarm.ClearedAt = null;
                    alarm.AcknowledgedAt = null;
                    alarm.AcknowledgedBy = null;
                    alarm.ResetDone = false;
                    alarm.Activations++;
                    Record(alarm, transition.At, AlarmTransitionKind.Reraised, System, null);
                    OnConditionChanged(alarm, transition.At);
                }
            }
            else if (alarm is { ConditionActive: true })
            {
                alarm.ConditionActive = false;
                alarm.Value = transition.Value;
                alarm.ClearedAt = transition.At;
                Record(alarm, transition.At, AlarmTransitionKind.Cleared, System, transition.Reason);
                RemoveIfOver(alarm);
                OnConditionChanged(alarm, transition.At);
            }
        }
    }

    /// <summary>
    /// Clears the condition of every alarm <paramref name="which"/> selects whose condition is active, by the system with
    /// <paramref name="reason"/>: for alarms whose source cannot say any more whether they hold (a detector whose state
    /// did not survive a restart). The source raises them again if the condition persists. Returns how many.
    /// </summary>
    public int ClearConditions(Func<AlarmDto, bool> which, string reason)
    {
        ArgumentNullException.ThrowIfNull(which);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var cleared = 0;
            foreach (var alarm in _byId.Values.Where(a => a.ConditionActive && which(a.Last!)).ToList())
            {
                alarm.ConditionActive = false;
                alarm.ClearedAt = now;
                Record(alarm, now, AlarmTransitionKind.Cleared, System, reason);
                RemoveIfOver(alarm);
                OnConditionChanged(alarm, now);
                cleared++;
            }

            return cleared;
        }
    }

    /// <summary>Acknowledges an alarm on behalf of <paramref name="user"/>.</summary>
    public AlarmActionResult Acknowledge(string id, string user, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alarm))
            {
                return AlarmActionResult.NotFound;
            }

            if (alarm.Acknowledged)
            {
                return new AlarmActionResult(AlarmActionOutcome.Unchanged, alarm.Last);
            }

            var now = _time.GetUtcNow();
            alarm.AcknowledgedAt = now;
            alarm.AcknowledgedBy = user;
            var change = Record(alarm, now, AlarmTransitionKind.Acknowledged, user, comment);
            RemoveIfOver(alarm);
            return Done(change);
        }
    }

    /// <summary>Resets a latched alarm (cleared and acknowledged): it is over.</summary>
    public AlarmActionResult Reset(string id, string user, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alarm))
            {
                return AlarmActionResult.NotFound;
            }

            if (alarm.State != AlarmState.Latched)
            {
                return AlarmActionResult.Refused(alarm.Last!, alarm.State switch
                {
                    AlarmState.Unacknowledged or AlarmState.Acknowledged => $"alarm '{id}' cannot be reset: its condition is still active",
                    AlarmState.ReturnedUnacknowledged => $"alarm '{id}' cannot be reset before it is acknowledged",
                    AlarmState.Shelved or AlarmState.Suppressed or AlarmState.OutOfService => $"alarm '{id}' is {alarm.State}; reset it once it is back in annunciation",
                    _ => $"alarm '{id}' is not latched (only life-safety alarms latch); nothing to reset",
                });
            }

            alarm.ResetDone = true;
            var change = Record(alarm, _time.GetUtcNow(), AlarmTransitionKind.Reset, user, comment);
            RemoveIfOver(alarm);
            return Done(change);
        }
    }

    /// <summary>Shelves an alarm for <paramref name="duration"/> (at most <see cref="AlarmOptions.MaxShelveTime"/>), with a reason.</summary>
    public AlarmActionResult Shelve(string id, string user, string reason, TimeSpan duration)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alarm))
            {
                return AlarmActionResult.NotFound;
            }

            if (string.IsNullOrWhiteSpace(reason))
            {
                return AlarmActionResult.Refused(alarm.Last!, "a reason is required to shelve an alarm");
            }

            if (duration <= TimeSpan.Zero || duration > _options.MaxShelveTime)
            {
                return AlarmActionResult.Refused(alarm.Last!, $"shelve time must be more than 0 and at most {_options.MaxShelveTime:g} (Alarms:MaxShelveTime); got {duration:g}");
            }

            if (alarm.Template.LifeSafety && !_options.AllowShelvingLifeSafety)
            {
                return AlarmActionResult.Refused(alarm.Last!, $"alarm '{id}' is a life-safety alarm ({alarm.Template.Kind}) and may not be shelved (Alarms:AllowShelvingLifeSafety)");
            }

            var now = _time.GetUtcNow();
            alarm.ShelvedUntil = now + duration;
            alarm.ShelvedBy = user;
            alarm.ShelveReason = reason.Trim();
            var change = Record(alarm, now, AlarmTransitionKind.Shelved, user, alarm.ShelveReason);
            ScheduleLocked();
            return Done(change);
        }
    }

    /// <summary>Takes a shelved alarm off the shelf before its time is up.</summary>
    public AlarmActionResult Unshelve(string id, string user, string? comment = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alarm))
            {
                return AlarmActionResult.NotFound;
            }

            if (alarm.ShelvedUntil is null)
            {
                return new AlarmActionResult(AlarmActionOutcome.Unchanged, alarm.Last);
            }

            var change = EndShelve(alarm, _time.GetUtcNow(), AlarmTransitionKind.Unshelved, user, comment);
            ScheduleLocked();
            return Done(change);
        }
    }

    /// <summary>Puts a zone under maintenance (or changes its reason or end): its alarms are suppressed by design, life-safety ones excepted by default.</summary>
    public Task SetZoneMaintenance(string zoneId, string user, string reason, DateTimeOffset? until) =>
        SetScope(AlarmScopeDto.ZoneMaintenance, zoneId, true, user, reason, until);

    /// <summary>Ends the maintenance of a zone; false when it was not under maintenance.</summary>
    public Task EndZoneMaintenance(string zoneId, string user, string reason) =>
        SetScope(AlarmScopeDto.ZoneMaintenance, zoneId, false, user, reason, null);

    /// <summary>Removes a sensor from service: all its alarms leave annunciation until it is returned.</summary>
    public Task RemoveFromService(string sensorId, string user, string reason, DateTimeOffset? until = null) =>
        SetScope(AlarmScopeDto.SensorOutOfService, sensorId, true, user, reason, until);

    /// <summary>Returns a sensor to service.</summary>
    public Task ReturnToService(string sensorId, string user, string reason) =>
        SetScope(AlarmScopeDto.SensorOutOfService, sensorId, false, user, reason, null);

    /// <summary>The zone maintenance and out-of-service scopes in force.</summary>
    public IReadOnlyList<AlarmScopeDto> Scopes()
    {
        lock (_gate)
        {
            return [.. _maintenance.Values.OrderBy(s => s.At), .. _outOfService.Values.OrderBy(s => s.At)];
        }
    }

    /// <summary>Whether a scope is in force.</summary>
    public bool IsInScope(string kind, string id)
    {
        lock (_gate)
        {
            return (kind == AlarmScopeDto.ZoneMaintenance ? _maintenance : _outOfService).ContainsKey(id);
        }
    }

    /// <summary>The alarms that are not over, with the seq they are consistent with.</summary>
    public AlarmSnapshot Snapshot()
    {
        lock (_gate)
        {
            var alarms = _byId.Values
                .OrderByDescending(a => Enum.Parse<AlarmPriority>(a.Template.Priority))
                .ThenByDescending(a => a.RaisedAt)
                .Select(a => a.Last!)
                .ToList();
            return new AlarmSnapshot(Epoch, _seq, alarms);
        }
    }

    /// <summary>One alarm that is not over, or null.</summary>
    public AlarmDto? Find(string id)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var alarm) ? alarm.Last : null;
        }
    }

    /// <summary>Ids of the alarms of one sensor that are not over.</summary>
    public IReadOnlyList<string> ActiveIdsFor(string sensorId)
    {
        lock (_gate)
        {
            return _byId.Values.Where(a => a.Template.SensorId == sensorId).Select(a => a.Id).ToList();
        }
    }

    /// <summary>
    /// The transitions with a seq greater than <paramref name="since"/>, oldest first. Truncated (reload) when they are
    /// no longer held, when <paramref name="epoch"/> names another history, or when <paramref name="since"/> lies ahead
    /// of the newest seq.
    /// </summary>
    public AlarmChanges GetChangesSince(long since, string? epoch = null, int max = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        lock (_gate)
        {
            if ((epoch is not null && epoch != Epoch) || since > _seq)
            {
                return new AlarmChanges(Epoch, _seq, true, []);
            }

            if (since == _seq)
            {
                return new AlarmChanges(Epoch, _seq, false, []);
            }

            var oldestHeld = _log[(since + 1) % _log.Length];
            if (oldestHeld is null || oldestHeld.Seq != since + 1 || _seq - since > max)
            {
                return new AlarmChanges(Epoch, _seq, true, []);
            }

            var changes = new List<AlarmDto>((int)(_seq - since));
            for (var s = since + 1; s <= _seq; s++)
            {
                changes.Add(_log[s % _log.Length]);
            }

            return new AlarmChanges(Epoch, _seq, false, changes);
        }
    }

    /// <summary>Completes when every transition recorded so far is durable.</summary>
    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _lastDurable;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }

    private AlarmDto TemplateFor(RuleTransition t, string id)
    {
        var rule = t.Rule;
        var device = t.Device;
        return new AlarmDto
        {
            Seq = 0,
            Id = id,
            State = nameof(AlarmState.Unacknowledged),
            Priority = rule.Priority.ToString(),
            Kind = rule.Kind,
            RuleId = rule.Id,
            SiteId = device.SiteId,
            DeviceId = device.Id,
            SensorId = t.SensorId,
            TunnelId = device.Location.TunnelId,
            CabinId = device.Location.CabinId,
            ZoneId = device.Location.ZoneId,
            Location = device.Location.Description,
            Limit = rule.Direction is ThresholdDirection.High or ThresholdDirection.Low ? rule.Limit : null,
            Unit = t.Channel.Unit,
            Message = rule.Message,
            RaisedAt = t.At,
            ChangedAt = t.At,
            LifeSafety = rule.LifeSafety,
            Latching = rule.LifeSafety && _options.LatchLifeSafety,
        };
    }

    private bool IsCommLoss(Alarm alarm) => _commLossKinds.Contains(alarm.Template.Kind);

    private string? SuppressionOf(Alarm alarm)
    {
        var t = alarm.Template;
        if (!IsCommLoss(alarm) && _commLoss.ContainsKey(t.DeviceId))
        {
            return $"device {t.DeviceId} is not communicating";
        }

        if (t.ZoneId is { } zone && _maintenance.TryGetValue(zone, out var maintenance) && (!t.LifeSafety || _options.MaintenanceSuppressesLifeSafety))
        {
            return $"zone {zone} under maintenance: {maintenance.Reason} ({maintenance.By})";
        }

        return null;
    }

    private string? OutOfServiceOf(Alarm alarm) =>
        _outOfService.TryGetValue(alarm.Template.SensorId, out var scope) ? $"sensor out of service: {scope.Reason} ({scope.By})" : null;

    // A comm-loss alarm's condition changed: suppress or release the device's other alarms.
    private void OnConditionChanged(Alarm alarm, DateTimeOffset at)
    {
        if (!IsCommLoss(alarm))
        {
            return;
        }

        var device = alarm.Template.DeviceId;
        var count = _commLoss.GetValueOrDefault(device) + (alarm.ConditionActive ? 1 : -1);
        var wasSuppressing = _commLoss.ContainsKey(device);
        if (count > 0)
        {
            _commLoss[device] = count;
        }
        else
        {
            _commLoss.Remove(device);
        }

        if (wasSuppressing != count > 0)
        {
            Reevaluate(a => a.Template.DeviceId == device, at, System, alarm.ConditionActive ? "device not communicating" : "device communicating again");
        }
    }

    private Task SetScope(string kind, string id, bool active, string user, string reason, DateTimeOffset? until)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            var scopes = kind == AlarmScopeDto.ZoneMaintenance ? _maintenance : _outOfService;
            if (!active && !scopes.ContainsKey(id))
            {
                return Task.CompletedTask;
            }

            var now = _time.GetUtcNow();
            var scope = new AlarmScopeDto { Kind = kind, Id = id, Active = active, By = user, Reason = reason, At = now, Until = until };
            if (active)
            {
                scopes[id] = scope;
            }
            else
            {
                scopes.Remove(id);
            }

            if (_journal is not null)
            {
                _lastDurable = _journal.Append(scope);
            }

            Func<Alarm, bool> applies = kind == AlarmScopeDto.ZoneMaintenance ? a => a.Template.ZoneId == id : a => a.Template.SensorId == id;
            Reevaluate(applies, now, user, reason);
            ScheduleLocked();
            return _lastDurable;
        }
    }

    // Recomputes the overlays of the alarms a scope change touches and records those whose state changed.
    private void Reevaluate(Func<Alarm, bool> applies, DateTimeOffset at, string by, string reason)
    {
        foreach (var alarm in _byId.Values.Where(applies).ToList())
        {
            var suppression = SuppressionOf(alarm);
            var outOfService = OutOfServiceOf(alarm);
            if (outOfService != alarm.OutOfService)
            {
                alarm.OutOfService = outOfService;
                Record(alarm, at, outOfService is null ? AlarmTransitionKind.ReturnedToService : AlarmTransitionKind.RemovedFromService, by, reason);
            }

            if (suppression != alarm.Suppression)
            {
                alarm.Suppression = suppression;
                Record(alarm, at, suppression is null ? AlarmTransitionKind.Unsuppressed : AlarmTransitionKind.Suppressed, by, suppression ?? reason);
            }

            RemoveIfOver(alarm);
        }
    }

    private AlarmDto EndShelve(Alarm alarm, DateTimeOffset at, AlarmTransitionKind kind, string by, string? reason)
    {
        alarm.ShelvedUntil = null;
        alarm.ShelvedBy = null;
        alarm.ShelveReason = null;
        var change = Record(alarm, at, kind, by, reason);
        RemoveIfOver(alarm);
        return change;
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _timerDue = null;
            var now = _time.GetUtcNow();
            foreach (var alarm in _byId.Values.Where(a => a.ShelvedUntil <= now).OrderBy(a => a.ShelvedUntil).ToList())
            {
                EndShelve(alarm, now, AlarmTransitionKind.ShelveExpired, System, "shelve time is up");
            }

            foreach (var scope in _maintenance.Values.Concat(_outOfService.Values).Where(s => s.Until <= now).ToList())
            {
                var kind = scope.Kind;
                var scopes = kind == AlarmScopeDto.ZoneMaintenance ? _maintenance : _outOfService;
                scopes.Remove(scope.Id);
                var ended = scope with { Active = false, By = System, Reason = "scheduled end", At = now, Until = null };
                if (_journal is not null)
                {
                    _lastDurable = _journal.Append(ended);
                }

                Func<Alarm, bool> applies = kind == AlarmScopeDto.ZoneMaintenance ? a => a.Template.ZoneId == scope.Id : a => a.Template.SensorId == scope.Id;
                Reevaluate(applies, now, System, "scheduled end");
            }

            ScheduleLocked();
        }
    }

    // Arms the timer for the earliest shelve or scope end.
    private void ScheduleLocked()
    {
        if (_disposed)
        {
            return;
        }

        DateTimeOffset? due = null;
        foreach (var alarm in _byId.Values)
        {
            if (alarm.ShelvedUntil is { } until && (due is null || until < due))
            {
                due = until;
            }
        }

        foreach (var scope in _maintenance.Values.Concat(_outOfService.Values))
        {
            if (scope.Until is { } until && (due is null || until < due))
            {
                due = until;
            }
        }

        if (due == _timerDue)
        {
            return;
        }

        _timerDue = due;
        if (due is { } at)
        {
            var delay = at - _time.GetUtcNow();
            _timer.Change(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private AlarmActionResult Done(AlarmDto change) => new(AlarmActionOutcome.Done, change) { Durable = _lastDurable };

    // Called under the lock, so observers and the journal see transitions in seq order.
    private AlarmDto Record(Alarm alarm, DateTimeOffset at, AlarmTransitionKind kind, string by, string? reason)
    {
        var dto = alarm.ToDto(++_seq, at, kind, by, reason);

        alarm.Last = dto;
        _log[_seq % _log.Length] = dto;
        if (_journal is not null)
        {
            _lastDurable = _journal.Append(dto);
        }

        foreach (var observer in _observers)
        {
            observer.OnAlarmChanged(dto);
        }

        return dto;
    }

    private void RemoveIfOver(Alarm alarm)
    {
        if (alarm.IsOver)
        {
            Remove(alarm);
        }
    }

    private void Remove(Alarm alarm)
    {
        _byId.Remove(alarm.Id);
        _byKey.Remove(alarm.Key);
    }
}
