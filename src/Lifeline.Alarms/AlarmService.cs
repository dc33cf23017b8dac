using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Rules;

namespace Lifeline.Alarms;

/// <summary>
/// Owns the alarm state: applies rule transitions and acknowledgements, numbers every transition with a global,
/// strictly increasing seq, keeps a bounded change log for clients that reconnect, and tells observers.
/// </summary>
public sealed class AlarmService
{
    /// <summary>Default number of transitions kept for <see cref="GetChangesSince"/>.</summary>
    public const int DefaultChangeLogCapacity = 50_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Alarm> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Alarm> _byKey = new(StringComparer.Ordinal);
    private readonly AlarmDto[] _log;
    private readonly IReadOnlyList<IAlarmObserver> _observers;
    private readonly TimeProvider _time;
    private long _seq;
    private long _nextId;

    public AlarmService(IEnumerable<IAlarmObserver> observers, TimeProvider time, int changeLogCapacity = DefaultChangeLogCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(changeLogCapacity, 1);
        _observers = observers.ToArray();
        _time = time;
        _log = new AlarmDto[changeLogCapacity];
    }

    /// <summary>
    /// Identifies this run of the service. Alarm state is held in memory, so after a restart seq starts again from 0:
    /// a client that knows another epoch must reload instead of applying changes by seq.
    /// </summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N")[..16];

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

    /// <summary>Number of alarms that are not over.</summary>
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

    internal static string KeyOf(string sensorId, string ruleId) => string.Concat(sensorId, "|", ruleId);

    /// <summary>Applies rule transitions in order.</summary>
    public void Apply(IReadOnlyList<RuleTransition> transitions)
    {
        ArgumentNullException.ThrowIfNull(transitions);
        for (var i = 0; i < transitions.Count; i++)
        {
            Apply(transitions[i]);
        }
    }

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
                        Id = $"A{++_nextId:D6}",
                        Rule = transition.Rule,
                        Device = transition.Device,
                        Channel = transition.Channel,
                        State = AlarmState.Unacknowledged,
                        Value = transition.Value,
                        RaisedAt = transition.At,
                    };
                    _byKey[key] = alarm;
                    _byId[alarm.Id] = alarm;
                    Record(alarm, transition.At);
                }
                else if (alarm.State == AlarmState.ReturnedUnacknowledged)
                {
                    // ISA-18.2 D → B: the condition came back before anyone acknowledged it.
                    alarm.State = AlarmState.Unacknowledged;
                    alarm.Value = transition.Value;
                    alarm.RaisedAt = transition.At;
                    alarm.ClearedAt = null;
                    Record(alarm, transition.At);
                }
            }
            else if (alarm is not null && alarm.State is AlarmState.Unacknowledged or AlarmState.Acknowledged)
            {
                alarm.Value = transition.Value;
                alarm.ClearedAt = transition.At;
                alarm.State = alarm.State == AlarmState.Acknowledged ? AlarmState.Normal : AlarmState.ReturnedUnacknowledged;
                Record(alarm, transition.At);
                if (alarm.State == AlarmState.Normal)
                {
                    Remove(alarm);
                }
            }
        }
    }

    /// <summary>Acknowledges an alarm on behalf of <paramref name="user"/>.</summary>
    public (AckOutcome Outcome, AlarmDto? Alarm) Acknowledge(string id, string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        lock (_gate)
        {
            if (!_byId.TryGetValue(id, out var alarm))
            {
                return (AckOutcome.NotFound, null);
            }

            if (alarm.State == AlarmState.Acknowledged)
            {
                return (AckOutcome.AlreadyAcknowledged, alarm.Last);
            }

            var now = _time.GetUtcNow();
            alarm.AcknowledgedAt = now;
            alarm.AcknowledgedBy = user;
            alarm.State = alarm.State == AlarmState.ReturnedUnacknowledged ? AlarmState.Normal : AlarmState.Acknowledged;
            var change = Record(alarm, now);
            if (alarm.State == AlarmState.Normal)
            {
                Remove(alarm);
            }

            return (AckOutcome.Acknowledged, change);
        }
    }

    /// <summary>The alarms that are not over, with the seq they are consistent with.</summary>
    public AlarmSnapshot Snapshot()
    {
        lock (_gate)
        {
            var alarms = _byId.Values
                .OrderByDescending(a => a.Rule.Priority)
                .ThenByDescending(a => a.RaisedAt)
                .Select(a => a.Last!)
                .ToList();
            return new AlarmSnapshot(Epoch, _seq, alarms);
        }
    }

    /// <summary>Ids of the alarms of one sensor that are not over.</summary>
    public IReadOnlyList<string> ActiveIdsFor(string sensorId)
    {
        lock (_gate)
        {
            return _byId.Values.Where(a => a.Device.SensorId(a.Channel.Name) == sensorId).Select(a => a.Id).ToList();
        }
    }

    /// <summary>
    /// The transitions with a seq greater than <paramref name="since"/>, oldest first. Truncated (reload) when they are
    /// no longer held, when <paramref name="epoch"/> names another run, or when <paramref name="since"/> lies ahead of
    /// this run's seq (the caller saw a run that has since restarted).
    /// </summary>
    public AlarmChanges GetChangesSince(long since, string? epoch = null, int max = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(since);
        lock (_gate)
        {
            var oldestHeld = Math.Max(1, _seq - _log.Length + 1);
            if ((epoch is not null && epoch != Epoch) || since > _seq)
            {
                return new AlarmChanges(Epoch, _seq, true, []);
            }

            if (since == _seq)
            {
                return new AlarmChanges(Epoch, _seq, false, []);
            }

            if (since + 1 < oldestHeld || _seq - since > max)
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

    // Called under the lock, so observers see transitions in seq order.
    private AlarmDto Record(Alarm alarm, DateTimeOffset at)
    {
        var dto = alarm.ToDto(++_seq, at);
        alarm.Last = dto;
        _log[_seq % _log.Length] = dto;
        foreach (var observer in _observers)
        {
            observer.OnAlarmChanged(dto);
        }

        return dto;
    }

    private void Remove(Alarm alarm)
    {
        _byId.Remove(alarm.Id);
        _byKey.Remove(alarm.Key);
    }
}
