using System.Globalization;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Alarms.Incidents;

/// <summary>
/// Groups alarm transitions into incidents, so operators see one event instead of a flood:
/// <list type="bullet">
/// <item>Alarms of the same <see cref="AlarmDto.Kind"/> (the parameter: <c>ch4.high.l1</c> and <c>ch4.high.l2</c> are
/// both <c>ch4_high</c>) in the same or adjacent fire zones of one cabin (<see cref="AssetRegistry.NeighboursOf"/>) are
/// one incident when the new alarm is raised while the other is still in alarm, or no longer than
/// <see cref="IncidentOptions.Window"/> after it was raised or cleared. Correlation is transitive: zone 3 → 4 → 5 is one
/// incident, and an alarm that connects two incidents merges them into the one with the earlier first-out.</item>
/// <item>Alarms without a fire zone (plants, gas stations) are grouped the same way per device and kind.</item>
/// <item>A device's comm loss (rule <see cref="CommLossRuleId"/>) takes that device's other alarms as dependants: those
/// raised while the comm loss is active, and those already in alarm whose incident holds only that device's alarms.
/// Alarms in an incident shared with other devices stay there (their neighbours corroborate them).</item>
/// </list>
/// An incident stays open while any of its alarms is not over (<c>Normal</c>) and then closes for good; a later alarm
/// opens a new one. Closed incidents stay retrievable, bounded by <see cref="IncidentOptions.HistoryCapacity"/> and
/// <see cref="IncidentOptions.HistoryRetention"/>. Memory is bounded by the active alarms, the per-incident list limit
/// and the history. Changes go to every <see cref="IIncidentObserver"/> in seq order.
/// </summary>
public sealed class IncidentCorrelator : IAlarmObserver
{
    /// <summary>The rule id of device comm-loss alarms (<c>CommLossAlarms.Rule</c> in the server).</summary>
    public const string CommLossRuleId = "device.comm-loss";

    private const string OverState = nameof(AlarmState.Normal);

    private readonly Lock _gate = new();
    private readonly ZoneTopology _topology;
    private readonly IReadOnlyList<IIncidentObserver> _observers;
    private readonly TimeProvider _time;
    private readonly TimeSpan _window;
    private readonly int _historyCapacity;
    private readonly TimeSpan _historyRetention;
    private readonly int _maxAlarms;

    // Open incidents: by id, by the alarms they hold, and by place (cabin or device) for correlation.
    private readonly Dictionary<string, Incident> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Incident> _byAlarm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Incident>> _openByPlace = new(StringComparer.Ordinal);

    // Device id → its comm-loss alarm while that alarm's condition is active.
    private readonly Dictionary<string, IncidentMember> _commLoss = new(StringComparer.Ordinal);

    private readonly Queue<IncidentDto> _closed = new();
    private readonly Dictionary<string, IncidentDto> _closedById = new(StringComparer.Ordinal);

    // Scratch lists, used under the lock only.
    private readonly List<Incident> _matches = [];
    private readonly List<Incident> _absorbed = [];

    private long _seq;
    private long _lastAlarmSeq;
    private long _nextId;
    private long _faults;

    /// <summary>Creates the correlator over the registry's fire-zone topology.</summary>
    /// <param name="registry">Zone adjacency (<see cref="AssetRegistry.NeighboursOf"/>) and chainage.</param>
    /// <param name="observers">Told every incident change, in seq order, under the alarm service's lock.</param>
    /// <param name="time">The clock for the age of closed incidents.</param>
    /// <param name="options">Window and bounds; the defaults of <see cref="IncidentOptions"/> when null.</param>
    public IncidentCorrelator(AssetRegistry registry, IEnumerable<IIncidentObserver> observers, TimeProvider time, IncidentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new IncidentOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Window, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.HistoryCapacity, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.HistoryRetention, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAlarmsPerIncident, 1, nameof(options));
        _topology = new ZoneTopology(registry);
        _observers = observers.ToArray();
        _time = time;
        _window = options.Window;
        _historyCapacity = options.HistoryCapacity;
        _historyRetention = options.HistoryRetention;
        _maxAlarms = options.MaxAlarmsPerIncident;
    }

    /// <summary>The seq of the newest incident change (0 before the first).</summary>
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

    /// <summary>Number of open incidents.</summary>
    public int OpenCount
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Alarm transitions that could not be correlated because of an internal error (expected 0; for health).</summary>
    public long Faults => Interlocked.Read(ref _faults);

    internal static bool IsOver(AlarmDto alarm) => string.Equals(alarm.State, OverState, StringComparison.Ordinal);

    internal static bool HasZone(AlarmDto alarm) => alarm.ZoneId is not null && alarm.CabinId is not null;

    private static bool IsCommLoss(AlarmDto alarm) => string.Equals(alarm.RuleId, CommLossRuleId, StringComparison.Ordinal);

    private static string PlaceOf(AlarmDto alarm) => HasZone(alarm) ? "cabin:" + alarm.CabinId : "device:" + alarm.DeviceId;

    /// <summary>Correlates one alarm transition. Called in seq order under the alarm service's lock; cheap, never throws.</summary>
    public void OnAlarmChanged(AlarmDto change)
    {
        if (change is null)
        {
            return;
        }

        lock (_gate)
        {
            if (change.Seq <= _lastAlarmSeq)
            {
                return; // a transition seen already
            }

            _lastAlarmSeq = change.Seq;
            try
            {
                Correlate(change);
            }
#pragma warning disable CA1031 // Alarm annunciation must never fail because of grouping: count it, keep going.
            catch (Exception)
#pragma warning restore CA1031
            {
                Interlocked.Increment(ref _faults);
            }
            finally
            {
                _matches.Clear();
                _absorbed.Clear();
            }
        }
    }

    /// <summary>The open incidents and the recently closed ones.</summary>
    public IncidentSnapshot Snapshot()
    {
        lock (_gate)
        {
            PruneHistory();
            var open = _open.Values
                .OrderByDescending(i => i.Priority)
                .ThenByDescending(i => i.FirstOut.FirstRaisedAt)
                .Select(i => i.Last!)
                .ToArray();
            return new IncidentSnapshot(_seq, open, _closed.Reverse().ToArray());
        }
    }

    /// <summary>An open incident or a closed one still held, or null.</summary>
    public IncidentDto? Find(string id)
    {
        lock (_gate)
        {
            PruneHistory();
            return _open.TryGetValue(id, out var incident) ? incident.Last : _closedById.GetValueOrDefault(id);
        }
    }

    private void Correlate(AlarmDto change)
    {
        if (_byAlarm.TryGetValue(change.Id, out var incident) && incident.TryGet(change.Id, out var member))
        {
            var wasActive = member.ConditionActive;
            member.Last = change;
            incident.Noted(member);
            if (IsCommLoss(change))
            {
                TrackCommLoss(member, incident, wasActive, change);
            }

            Publish(incident, change);
            return;
        }

        if (IsOver(change))
        {
            return; // over before it was ever seen in alarm: nothing to group
        }

        member = new IncidentMember(change);
        if (!IsCommLoss(change) && _commLoss.TryGetValue(change.DeviceId, out var commLoss) && _byAlarm.TryGetValue(commLoss.AlarmId, out incident))
        {
            member.Dependant = true;
            Add(incident, member);
        }
        else
        {
            incident = Join(member, change);
        }

        if (IsCommLoss(change))
        {
            TrackCommLoss(member, incident, false, change);
        }

        Publish(incident, change);
    }

    // A new non-dependant alarm: into the incident it correlates with (merging any others it connects), or a new one.
    private Incident Join(IncidentMember member, AlarmDto alarm)
    {
        var place = PlaceOf(alarm);
        if (_openByPlace.TryGetValue(place, out var candidates))
        {
            foreach (var candidate in candidates)
            {
                if (string.Equals(candidate.Kind, alarm.Kind, StringComparison.Ordinal) && Correlates(candidate, alarm))
                {
                    _matches.Add(candidate);
                }
            }
        }

        if (_matches.Count == 0)
        {
            var created = new Incident(string.Create(CultureInfo.InvariantCulture, $"I{++_nextId:D6}"), place, member);
            _open[created.Id] = created;
            _byAlarm[member.AlarmId] = created;
            if (!_openByPlace.TryGetValue(place, out var list))
            {
                _openByPlace[place] = list = [];
            }

            list.Add(created);
            return created;
        }

        var survivor = _matches[0];
        foreach (var match in _matches)
        {
            if (match.FirstOut.IsBefore(survivor.FirstOut))
            {
                survivor = match;
            }
        }

        Add(survivor, member);
        foreach (var match in _matches)
        {
            if (!ReferenceEquals(match, survivor))
            {
                Absorb(survivor, match, asDependants: false, alarm.ChangedAt);
            }
        }

        _matches.Clear();
        return survivor;
    }

    private bool Correlates(Incident incident, AlarmDto alarm)
    {
        foreach (var member in incident.Members)
        {
            if (member.Dependant || !WithinWindow(member, alarm.RaisedAt))
            {
                continue;
            }

            var other = member.Last;
            var samePlace = HasZone(alarm)
                ? other.ZoneId is { } zone && _topology.SameOrAdjacent(alarm.ZoneId!, zone)
                : string.Equals(other.DeviceId, alarm.DeviceId, StringComparison.Ordinal);
            if (samePlace)
            {
                return true;
            }
        }

        return false;
    }

    // In alarm at `at`, or raised or cleared no further than the window from it (either side: readings of different
    // devices can arrive slightly out of time order).
    private bool WithinWindow(IncidentMember member, DateTimeOffset at)
    {
        if (at < member.FirstRaisedAt - _window)
        {
            return false;
        }

        return member.ConditionActive || at <= (member.Last.ClearedAt ?? member.Last.ChangedAt) + _window;
    }

    private void TrackCommLoss(IncidentMember member, Incident incident, bool wasActive, AlarmDto change)
    {
        if (!member.ConditionActive)
        {
            if (_commLoss.TryGetValue(change.DeviceId, out var known) && ReferenceEquals(known, member))
            {
                _commLoss.Remove(change.DeviceId);
            }

            return;
        }

        _commLoss[change.DeviceId] = member;
        if (wasActive || !_openByPlace.TryGetValue(PlaceOf(change), out var candidates))
        {
            return;
        }

        // The device's alarms already in alarm become dependants when their incident is the device's alone.
        _matches.Clear();
        foreach (var candidate in candidates)
        {
            if (!ReferenceEquals(candidate, incident) && candidate.Members.All(m => string.Equals(m.Last.DeviceId, change.DeviceId, StringComparison.Ordinal)))
            {
                _matches.Add(candidate);
            }
        }

        foreach (var match in _matches)
        {
            Absorb(incident, match, asDependants: true, change.ChangedAt);
        }

        _matches.Clear();
    }

    private void Add(Incident incident, IncidentMember member)
    {
        incident.Add(member);
        _byAlarm[member.AlarmId] = incident;
        Trim(incident);
    }

    private void Absorb(Incident survivor, Incident other, bool asDependants, DateTimeOffset at)
    {
        foreach (var member in other.Members)
        {
            _byAlarm[member.AlarmId] = survivor;
        }

        survivor.Absorb(other, asDependants);
        other.Close(at, survivor.Id);
        RemoveOpen(other);
        _absorbed.Add(other);
        Trim(survivor);
    }

    private void Trim(Incident incident)
    {
        while (incident.TrimOne(_maxAlarms) is { } dropped)
        {
            _byAlarm.Remove(dropped.AlarmId);
        }
    }

    private void RemoveOpen(Incident incident)
    {
        _open.Remove(incident.Id);
        if (_openByPlace.TryGetValue(incident.Place, out var list))
        {
            list.Remove(incident);
            if (list.Count == 0)
            {
                _openByPlace.Remove(incident.Place);
            }
        }
    }

    // Publishes the changed incident (closing it when all its alarms are over), then any incidents it absorbed.
    private void Publish(Incident incident, AlarmDto change)
    {
        if (incident.IsOpen && incident.AllOver)
        {
            incident.Close(change.ChangedAt, null);
            RemoveOpen(incident);
            foreach (var member in incident.Members)
            {
                _byAlarm.Remove(member.AlarmId);
                if (_commLoss.TryGetValue(member.Last.DeviceId, out var commLoss) && ReferenceEquals(commLoss, member))
                {
                    _commLoss.Remove(member.Last.DeviceId);
                }
            }
        }

        Notify(incident, change.ChangedAt);
        foreach (var absorbed in _absorbed)
        {
            Notify(absorbed, change.ChangedAt);
        }
    }

    private void Notify(Incident incident, DateTimeOffset at)
    {
        var dto = incident.ToDto(++_seq, at, _topology);
        incident.Last = dto;
        if (!incident.IsOpen)
        {
            _closed.Enqueue(dto);
            _closedById[dto.Id] = dto;
            PruneHistory();
        }

        foreach (var observer in _observers)
        {
            observer.OnIncidentChanged(dto);
        }
    }

    private void PruneHistory()
    {
        var oldest = _time.GetUtcNow() - _historyRetention;
        while (_closed.Count > 0 && (_closed.Count > _historyCapacity || _closed.Peek().ClosedAt < oldest))
        {
            _closedById.Remove(_closed.Dequeue().Id);
        }
    }
}
