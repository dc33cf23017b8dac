using System.Collections.Frozen;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms.Kpis;

/// <summary>
/// Computes the ISA-18.2 / EEMUA 191 alarm KPIs (<see cref="AlarmKpis"/>) continuously: it observes every alarm transition,
/// keeps a bounded history of them (<see cref="AlarmKpiOptions.Retention"/> and at most <see cref="AlarmKpiOptions.MaxEvents"/>
/// transitions, oldest dropped first) and the latest transition of each alarm not over, and computes the figures of any
/// window on demand.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="OnAlarmChanged"/> runs under the alarm service's lock: it takes a short lock of its own, does O(1) work
/// (amortised) and never throws. <see cref="Compute(DateTimeOffset, DateTimeOffset, string?)"/> runs on request threads:
/// it takes a snapshot under the lock (a copy of chunk references and of the alarms not over) and computes outside it.
/// </para>
/// <para>
/// To rebuild after a restart, replay the persisted alarm history (oldest first) through <see cref="Restore"/> (or
/// <see cref="OnAlarmChanged"/>) before live transitions flow. A seq that does not increase marks a new run of the alarm
/// service (seq and alarm ids start again): the alarms of the previous run are then no longer counted as standing.
/// </para>
/// </remarks>
public sealed class AlarmKpiCalculator : IAlarmObserver
{
    // Sources are interned so the transitions of one sensor and rule share one instance; the table is bounded by the
    // registry's sensors × rules, and cleared if it ever grows past this (interning is an optimisation only).
    private const int MaxInterned = 100_000;

    private readonly Lock _gate = new();
    private readonly AlarmKpiOptions _options;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, string> _positionOfSite;
    private readonly FrozenDictionary<string, IReadOnlyList<string>> _configuredPositions;
    private readonly KpiEventRing _ring = new();
    private readonly Dictionary<(string SensorId, string RuleId), KpiSource> _sources = [];
    private readonly HashSet<string> _seenPositions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, KpiEvent> _standing = new(StringComparer.Ordinal);
    private long _lastSeq;
    private int _run;
    private long? _evictedThrough;
    private long _faults;

    /// <summary>Creates a calculator over validated options (the positions are read once; keep the options unchanged).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public AlarmKpiCalculator(AlarmKpiOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        options.ThrowIfInvalid();
        _options = options;
        _time = time;
        _positionOfSite = options.Positions
            .SelectMany(p => (p.Value ?? []).Select(site => (Site: site, Position: p.Key)))
            .ToFrozenDictionary(x => x.Site, x => x.Position, StringComparer.Ordinal);
        _configuredPositions = options.Positions.ToFrozenDictionary(
            p => p.Key,
            p => (IReadOnlyList<string>)[.. (p.Value ?? []).Distinct(StringComparer.Ordinal)],
            StringComparer.Ordinal);
    }

    /// <summary>The window of <see cref="Compute(string?)"/>: <see cref="AlarmKpiOptions.DefaultWindow"/>.</summary>
    public TimeSpan DefaultWindow => _options.DefaultWindow;

    /// <summary>Transitions held now.</summary>
    public int HeldTransitions
    {
        get
        {
            lock (_gate)
            {
                return _ring.Count;
            }
        }
    }

    /// <summary>Alarms of the current run not over (the last transition of each is held, whatever its age).</summary>
    public int StandingAlarms
    {
        get
        {
            lock (_gate)
            {
                return _standing.Count;
            }
        }
    }

    /// <summary>Transitions that could not be taken in (a fault in the calculator); always 0 unless something is wrong.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>The configured positions and the positions of the sites seen in transitions, ordinal order.</summary>
    public IReadOnlyList<string> KnownPositions
    {
        get
        {
            lock (_gate)
            {
                return [.. _configuredPositions.Keys.Union(_seenPositions, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The operator position of a site: the configured one, else the site itself.</summary>
    public string PositionOf(string siteId) => _positionOfSite.TryGetValue(siteId, out var position) ? position : siteId;

    /// <inheritdoc />
    public void OnAlarmChanged(AlarmDto change)
    {
        if (change is null)
        {
            return;
        }

        try
        {
            var cutoff = Cutoff(_time.GetUtcNow());
            lock (_gate)
            {
                Take(change, cutoff);
            }
        }
#pragma warning disable CA1031 // Called under the alarm service's lock: a fault here must never fail a transition.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _faults);
        }
    }

    /// <summary>
    /// Rebuilds the history from persisted transitions (oldest first), as if they had been observed; those older than
    /// <see cref="AlarmKpiOptions.Retention"/> only update the alarms not over. Call before live transitions flow.
    /// </summary>
    /// <returns>How many transitions were read.</returns>
    public int Restore(IEnumerable<AlarmDto> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var read = 0;
        foreach (var change in history)
        {
            OnAlarmChanged(change);
            read++;
        }

        return read;
    }

    /// <summary>The KPIs of the default window (<see cref="AlarmKpiOptions.DefaultWindow"/> up to now).</summary>
    /// <param name="position">Limit the figures to one operator position; <c>null</c> for all.</param>
    public AlarmKpis Compute(string? position = null)
    {
        var now = _time.GetUtcNow();
        return Compute(now - _options.DefaultWindow, now, position);
    }

    /// <summary>The KPIs of the window <c>[from, to]</c>.</summary>
    /// <param name="from">Start of the window (included).</param>
    /// <param name="to">End of the window (included); the states of <see cref="AlarmKpis.AtEnd"/> and stale alarms are those at this time.</param>
    /// <param name="position">Limit the figures to one operator position; <c>null</c> for all.</param>
    /// <exception cref="ArgumentException"><paramref name="from"/> is not before <paramref name="to"/>.</exception>
    public AlarmKpis Compute(DateTimeOffset from, DateTimeOffset to, string? position = null)
    {
        if (from >= to)
        {
            throw new ArgumentException($"from ({from:O}) must be before to ({to:O})", nameof(from));
        }

        var now = _time.GetUtcNow();
        var cutoff = Cutoff(now);
        KpiEventSnapshot events;
        KpiEvent[] standing;
        int run;
        long? evictedThrough;
        lock (_gate)
        {
            EvictOlderThan(cutoff);
            events = _ring.Count == 0 ? KpiEventSnapshot.Empty : _ring.Snapshot();
            standing = [.. _standing.Values];
            run = _run;
            evictedThrough = _evictedThrough;
        }

        var input = new AlarmKpiComputation.Input(events, standing, run, evictedThrough, _configuredPositions, _options);
        return AlarmKpiComputation.Compute(input, from.ToUniversalTime(), to.ToUniversalTime(), position, now.ToUniversalTime());
    }

    private long Cutoff(DateTimeOffset now) =>
        now.UtcTicks - Math.Min(_options.Retention.Ticks, now.UtcTicks);

    // Under the lock.
    private void Take(AlarmDto change, long cutoff)
    {
        if (change.Seq <= _lastSeq)
        {
            // The alarm service restarted: seq and ids start again, and the alarms of the old run are gone with it.
            _run++;
            _standing.Clear();
        }

        _lastSeq = change.Seq;
        var item = KpiEvent.From(change, _run, Intern(change));
        if (item.State == AlarmState.Normal)
        {
            _standing.Remove(item.Id);
        }
        else
        {
            _standing[item.Id] = item;
        }

        EvictOlderThan(cutoff);
        if (item.At < cutoff)
        {
            // Replayed from before the retention window: it only counted for the alarms not over.
            NoteEvicted(item.At);
            return;
        }

        while (_ring.Count >= _options.MaxEvents)
        {
            NoteEvicted(_ring.Oldest.At);
            _ring.RemoveOldest();
        }

        _ring.Append(item);
    }

    private void EvictOlderThan(long cutoff)
    {
        while (_ring.Count > 0 && _ring.Oldest.At < cutoff)
        {
            NoteEvicted(_ring.Oldest.At);
            _ring.RemoveOldest();
        }
    }

    private void NoteEvicted(long at) => _evictedThrough = _evictedThrough is { } through ? Math.Max(through, at) : at;

    private KpiSource Intern(AlarmDto change)
    {
        var key = (change.SensorId ?? string.Empty, change.RuleId ?? string.Empty);
        if (_sources.TryGetValue(key, out var source))
        {
            return source;
        }

        if (_sources.Count >= MaxInterned)
        {
            _sources.Clear();
        }

        var site = change.SiteId ?? string.Empty;
        source = new KpiSource(key.Item1, key.Item2, change.Kind ?? string.Empty, site, PositionOf(site));
        _sources[key] = source;
        if (_seenPositions.Count < MaxInterned)
        {
            _seenPositions.Add(source.Position);
        }

        return source;
    }
}
