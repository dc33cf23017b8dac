using System.Collections.Frozen;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms.Kpis;

/// <summary>
/// The KPI figures of one window from a snapshot of the calculator's history: one pass over the transitions in seq
/// order, then the aggregates. Runs outside the calculator's lock; the snapshot is not changed by later transitions.
/// </summary>
internal sealed class AlarmKpiComputation
{
    private static readonly long TenMinutes = TimeSpan.FromMinutes(10).Ticks;
    private static readonly long Hour = TimeSpan.FromHours(1).Ticks;

    private readonly Input _input;
    private readonly AlarmKpiOptions _options;
    private readonly long _from;
    private readonly long _to;
    private readonly string? _position;

    // Results of the pass over the transitions.
    private readonly List<Activation> _activations = [];
    private readonly Dictionary<KpiSource, int> _fleeting = [];
    private readonly Queue<ShelvingAuditEntry> _audit = new();
    private readonly Dictionary<string, KpiEvent> _stateAtEnd = new(StringComparer.Ordinal);
    private int _suppressedActivations;
    private int _auditCount;

    private AlarmKpiComputation(Input input, long from, long to, string? position)
    {
        _input = input;
        _options = input.Options;
        _from = from;
        _to = to;
        _position = position;
    }

    /// <summary>What the calculator hands over, taken under its lock.</summary>
    internal sealed record Input(
        KpiEventSnapshot Events,
        KpiEvent[] Standing,
        int Run,
        long? EvictedThrough,
        FrozenDictionary<string, IReadOnlyList<string>> ConfiguredPositions,
        AlarmKpiOptions Options);

    private readonly record struct Activation(long At, long Seq, KpiSource Source, AlarmPriority Priority);

    private sealed record SourceLoad(KpiSource Source, List<Activation> Activations);

    public static AlarmKpis Compute(Input input, DateTimeOffset from, DateTimeOffset to, string? position, DateTimeOffset now)
    {
        var computation = new AlarmKpiComputation(input, from.UtcTicks, to.UtcTicks, position);
        computation.Scan();
        return computation.Aggregate(now);
    }

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);

    private static double Percent(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private void Scan()
    {
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        var started = new Dictionary<(string Id, AlarmTransitionKind Start), long>();
        int? run = null;
        var events = _input.Events;
        var fleetingWithin = _options.FleetingWithin.Ticks;
        for (var i = 0; i < events.Count; i++)
        {
            ref readonly var e = ref events[i];
            if (e.At > _to)
            {
                continue;
            }

            if (e.Run != run)
            {
                // A new run of the alarm service: ids start again and the old run's alarms are gone.
                run = e.Run;
                _stateAtEnd.Clear();
                pending.Clear();
                started.Clear();
            }

            if (_position is not null && e.Source.Position != _position)
            {
                continue;
            }

            var inWindow = e.At >= _from;
            switch (e.Transition)
            {
                case AlarmTransitionKind.Raised or AlarmTransitionKind.Reraised when e.IsActivation:
                    _activations.Add(new Activation(e.At, e.Seq, e.Source, e.Priority));
                    pending[e.Id] = e.At;
                    break;
                case AlarmTransitionKind.Cleared:
                    if (pending.Remove(e.Id, out var activatedAt) && fleetingWithin > 0 && activatedAt >= _from && e.At - activatedAt <= fleetingWithin)
                    {
                        _fleeting[e.Source] = _fleeting.GetValueOrDefault(e.Source) + 1;
                    }

                    break;
                case AlarmTransitionKind.Shelved or AlarmTransitionKind.Suppressed or AlarmTransitionKind.RemovedFromService:
                    pending.Remove(e.Id);
                    started.TryAdd((e.Id, e.Transition), e.At);
                    if (inWindow)
                    {
                        Audit(e, null);
                    }

                    break;
                case AlarmTransitionKind.Unshelved or AlarmTransitionKind.ShelveExpired or AlarmTransitionKind.Unsuppressed or AlarmTransitionKind.ReturnedToService:
                    pending.Remove(e.Id);
                    var start = e.Transition switch
                    {
                        AlarmTransitionKind.Unsuppressed => AlarmTransitionKind.Suppressed,
                        AlarmTransitionKind.ReturnedToService => AlarmTransitionKind.RemovedFromService,
                        _ => AlarmTransitionKind.Shelved,
                    };
                    TimeSpan? lasted = started.Remove((e.Id, start), out var startedAt) ? TimeSpan.FromTicks(e.At - startedAt) : null;
                    if (inWindow)
                    {
                        Audit(e, lasted);
                    }

                    break;
                default:
                    // Acknowledged, reset, raised into a non-annunciated state, or a transition this build does not know.
                    pending.Remove(e.Id);
                    if (e.IsSuppressedActivation && inWindow)
                    {
                        _suppressedActivations++;
                    }

                    break;
            }

            _stateAtEnd[e.Id] = e;
        }

        // The latest transition of each alarm not over, even if older history was evicted, when it is of the same run.
        if (run is null || run == _input.Run)
        {
            foreach (var standing in _input.Standing)
            {
                if (standing.At <= _to && (_position is null || standing.Source.Position == _position))
                {
                    _stateAtEnd[standing.Id] = standing;
                }
            }
        }

        _activations.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Seq.CompareTo(b.Seq));
    }

    private void Audit(in KpiEvent e, TimeSpan? lasted)
    {
        _auditCount++;
        if (_audit.Count == _options.MaxAuditEntries)
        {
            _audit.Dequeue();
        }

        var shelvedUntil = e.ShelvedUntil == KpiEvent.NoTime ? (DateTimeOffset?)null : Time(e.ShelvedUntil);
        _audit.Enqueue(new ShelvingAuditEntry
        {
            Seq = e.Seq,
            At = Time(e.At),
            Transition = e.Transition.ToString(),
            AlarmId = e.Id,
            By = e.By,
            Reason = e.Reason,
            SensorId = e.Source.SensorId,
            RuleId = e.Source.RuleId,
            Kind = e.Source.Kind,
            SiteId = e.Source.SiteId,
            Position = e.Source.Position,
            Priority = KpiEvent.NameOf(e.Priority),
            State = KpiEvent.NameOf(e.State),
            ShelvedUntil = shelvedUntil,
            ShelfTime = e.Transition == AlarmTransitionKind.Shelved && shelvedUntil is { } until ? until - Time(e.At) : null,
            Lasted = lasted,
        });
    }

    private AlarmKpis Aggregate(DateTimeOffset now)
    {
        var inWindow = _activations.Where(a => a.At >= _from).ToList();
        var byPosition = new Dictionary<string, List<Activation>>(StringComparer.Ordinal);
        foreach (var activation in _activations)
        {
            if (!byPosition.TryGetValue(activation.Source.Position, out var list))
            {
                byPosition[activation.Source.Position] = list = [];
            }

            list.Add(activation);
        }

        // Floods need the activations before the window too: a flood may have started before it.
        var floodsByPosition = byPosition.ToDictionary(p => p.Key, p => Floods(p.Key, p.Value), StringComparer.Ordinal);
        var positionNames = new SortedSet<string>(StringComparer.Ordinal);
        if (_position is not null)
        {
            positionNames.Add(_position);
        }
        else
        {
            positionNames.UnionWith(_input.ConfiguredPositions.Keys);
            positionNames.UnionWith(inWindow.Select(a => a.Source.Position));
            positionNames.UnionWith(floodsByPosition.Where(p => p.Value.Count > 0).Select(p => p.Key));
        }

        var positions = new List<PositionKpis>();
        var floods = new List<FloodPeriod>();
        foreach (var name in positionNames)
        {
            var positionFloods = floodsByPosition.GetValueOrDefault(name) ?? [];
            floods.AddRange(positionFloods);
            positions.Add(new PositionKpis
            {
                Position = name,
                Sites = _input.ConfiguredPositions.TryGetValue(name, out var sites) ? sites : [name],
                Rate = Rate(byPosition.TryGetValue(name, out var all) ? all.Where(a => a.At >= _from).ToList() : []),
                Floods = positionFloods.Count,
                TimeInFloodPercent = Percent(TimeCovered(positionFloods), _to - _from),
            });
        }

        floods.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Position, b.Position));

        var loads = inWindow
            .GroupBy(a => a.Source)
            .Select(g => new SourceLoad(g.Key, [.. g]))
            .OrderByDescending(l => l.Activations.Count)
            .ThenBy(l => l.Source.SensorId, StringComparer.Ordinal)
            .ThenBy(l => l.Source.RuleId, StringComparer.Ordinal)
            .ToList();
        var badActors = loads.Take(_options.BadActors).Select(l => new BadActor
        {
            SensorId = l.Source.SensorId,
            RuleId = l.Source.RuleId,
            Kind = l.Source.Kind,
            SiteId = l.Source.SiteId,
            Position = l.Source.Position,
            Priority = KpiEvent.NameOf(l.Activations[^1].Priority),
            Activations = l.Activations.Count,
            SharePercent = Percent(l.Activations.Count, inWindow.Count),
        }).ToList();

        var stale = Stale();
        return new AlarmKpis
        {
            From = Time(_from),
            To = Time(_to),
            Position = _position,
            ComputedAt = now,
            Complete = _input.EvictedThrough is not { } through || through < _from,
            EvictedThrough = _input.EvictedThrough is { } evicted ? Time(evicted) : null,
            Activations = inWindow.Count,
            SuppressedActivations = _suppressedActivations,
            Total = Rate(inWindow),
            Positions = positions,
            Floods = floods,
            TimeInFloodPercent = Percent(TimeCovered(floods), _to - _from),
            BadActors = badActors,
            BadActorsSharePercent = Percent(badActors.Sum(b => b.Activations), inWindow.Count),
            Chattering = Chattering(loads),
            Fleeting = Fleeting(loads),
            Stale = stale,
            Priorities = Priorities(inWindow),
            ShelvingAudit = [.. _audit],
            ShelvingAuditCount = _auditCount,
            AtEnd = new AlarmStateCounts
            {
                NotOver = _stateAtEnd.Values.Count(e => e.State != AlarmState.Normal),
                Shelved = _stateAtEnd.Values.Count(e => e.State == AlarmState.Shelved),
                Suppressed = _stateAtEnd.Values.Count(e => e.State == AlarmState.Suppressed),
                OutOfService = _stateAtEnd.Values.Count(e => e.State == AlarmState.OutOfService),
                Stale = stale.Count,
            },
            Targets = new AlarmKpiTargets
            {
                AcceptablePer10Minutes = _options.AcceptablePer10Minutes,
                ManageablePer10Minutes = _options.ManageablePer10Minutes,
                FloodStartAbove = _options.FloodStartAbove,
                FloodEndBelow = _options.FloodEndBelow,
                FloodWindow = _options.FloodWindow,
                TimeInFloodPercent = _options.TimeInFloodTargetPercent,
                BadActors = _options.BadActors,
                BadActorsSharePercent = _options.BadActorsShareTargetPercent,
                ChatterActivations = _options.ChatterActivations,
                ChatterWindow = _options.ChatterWindow,
                FleetingWithin = _options.FleetingWithin,
                StaleAfter = _options.StaleAfter,
                StaleMax = _options.StaleTargetMax,
            },
        };
    }

    /// <summary>Averages over the window and peaks over clock-aligned periods, from activations sorted by time.</summary>
    private AlarmRateKpi Rate(List<Activation> activations)
    {
        var length = _to - _from;
        var (peak10, peak10At) = Peak(activations, TenMinutes);
        var (peakHour, peakHourAt) = Peak(activations, Hour);
        var average10 = (double)activations.Count * TenMinutes / length;
        return new AlarmRateKpi
        {
            Activations = activations.Count,
            AveragePer10Minutes = average10,
            PeakPer10Minutes = peak10,
            PeakPer10MinutesAt = peak10At,
            AveragePerHour = (double)activations.Count * Hour / length,
            PeakPerHour = peakHour,
            PeakPerHourAt = peakHourAt,
            Rating = average10 <= _options.AcceptablePer10Minutes ? AlarmLoadRating.Acceptable
                : average10 <= _options.ManageablePer10Minutes ? AlarmLoadRating.Manageable
                : AlarmLoadRating.OverDemanding,
        };
    }

    private static (int Peak, DateTimeOffset? At) Peak(List<Activation> activations, long period)
    {
        var peak = 0;
        DateTimeOffset? peakAt = null;
        var current = long.MinValue;
        var count = 0;
        foreach (var activation in activations)
        {
            var bucket = activation.At / period;
            if (bucket != current)
            {
                current = bucket;
                count = 0;
            }

            if (++count > peak)
            {
                peak = count;
                peakAt = Time(bucket * period);
            }
        }

        return (peak, peakAt);
    }

    /// <summary>
    /// Flood periods of one position from its activations (sorted, none after the window). count(t) is the number of
    /// activations in <c>(t − window, t]</c>; it changes when one arrives (at its time) or leaves (its time + window).
    /// A flood starts at the first t with count &gt; start-above and ends at the first later t with count &lt; end-below.
    /// Only floods overlapping the window are returned.
    /// </summary>
    private List<FloodPeriod> Floods(string position, List<Activation> activations)
    {
        var window = _options.FloodWindow.Ticks;
        var times = activations.Select(a => a.At).ToArray();
        var floods = new List<FloodPeriod>();
        int arrived = 0, left = 0, count = 0, peak = 0;
        var inFlood = false;
        long start = 0;
        var previousEnd = long.MinValue;
        while (true)
        {
            var t = arrived < times.Length ? times[arrived] : long.MaxValue;
            if (left < arrived)
            {
                t = Math.Min(t, times[left] + window);
            }

            if (t == long.MaxValue || t > _to)
            {
                break;
            }

            while (left < arrived && times[left] + window <= t)
            {
                left++;
                count--;
            }

            while (arrived < times.Length && times[arrived] == t)
            {
                arrived++;
                count++;
            }

            if (!inFlood)
            {
                if (count > _options.FloodStartAbove)
                {
                    inFlood = true;
                    start = t;
                    peak = count;
                }
            }
            else
            {
                peak = Math.Max(peak, count);
                if (count < _options.FloodEndBelow)
                {
                    inFlood = false;
                    Add(t);
                    previousEnd = t;
                }
            }
        }

        if (inFlood)
        {
            Add(null);
        }

        return floods;

        void Add(long? end)
        {
            if (end is { } e && e <= _from)
            {
                return;
            }

            // Its activations: those within a flood window of the flood, none counted for the flood before.
            var after = Math.Max(start - window, previousEnd);
            var through = end ?? _to;
            floods.Add(new FloodPeriod
            {
                Position = position,
                Start = Time(start),
                End = end is { } ended ? Time(ended) : null,
                Duration = TimeSpan.FromTicks(through - start),
                Peak = peak,
                Activations = CountAtOrBefore(times, through) - CountAtOrBefore(times, after),
            });
        }
    }

    private static int CountAtOrBefore(long[] sorted, long time)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (sorted[mid] <= time)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>The length of the union of the floods, clipped to the window.</summary>
    private long TimeCovered(List<FloodPeriod> floods)
    {
        var spans = floods
            .Select(f => (Start: Math.Max(f.Start.UtcTicks, _from), End: Math.Min(f.End?.UtcTicks ?? _to, _to)))
            .Where(s => s.End > s.Start)
            .OrderBy(s => s.Start)
            .ToList();
        long covered = 0;
        var reached = long.MinValue;
        foreach (var (start, end) in spans)
        {
            var from = Math.Max(start, reached);
            if (end > from)
            {
                covered += end - from;
                reached = end;
            }
        }

        return covered;
    }

    private List<ChatteringSource> Chattering(List<SourceLoad> loads)
    {
        var window = _options.ChatterWindow.Ticks;
        var chattering = new List<ChatteringSource>();
        foreach (var load in loads)
        {
            var list = load.Activations;
            int first = 0, max = 0;
            DateTimeOffset? firstAt = null;
            for (var i = 0; i < list.Count; i++)
            {
                while (list[i].At - list[first].At >= window)
                {
                    first++;
                }

                max = Math.Max(max, i - first + 1);
                if (firstAt is null && i - first + 1 >= _options.ChatterActivations)
                {
                    firstAt = Time(list[i].At);
                }
            }

            if (firstAt is { } at)
            {
                chattering.Add(new ChatteringSource
                {
                    SensorId = load.Source.SensorId,
                    RuleId = load.Source.RuleId,
                    Kind = load.Source.Kind,
                    SiteId = load.Source.SiteId,
                    Position = load.Source.Position,
                    Activations = list.Count,
                    MaxInWindow = max,
                    FirstAt = at,
                });
            }
        }

        return
        [
            .. chattering
                .OrderByDescending(c => c.MaxInWindow)
                .ThenByDescending(c => c.Activations)
                .ThenBy(c => c.SensorId, StringComparer.Ordinal)
                .ThenBy(c => c.RuleId, StringComparer.Ordinal),
        ];
    }

    private List<FleetingSource> Fleeting(List<SourceLoad> loads) =>
    [
        .. loads
            .Where(l => _fleeting.ContainsKey(l.Source))
            .Select(l => new FleetingSource
            {
                SensorId = l.Source.SensorId,
                RuleId = l.Source.RuleId,
                Kind = l.Source.Kind,
                SiteId = l.Source.SiteId,
                Position = l.Source.Position,
                Fleeting = _fleeting[l.Source],
                Activations = l.Activations.Count,
            })
            .OrderByDescending(f => f.Fleeting)
            .ThenBy(f => f.SensorId, StringComparer.Ordinal)
            .ThenBy(f => f.RuleId, StringComparer.Ordinal),
    ];

    private List<StaleAlarm> Stale()
    {
        var staleAfter = _options.StaleAfter.Ticks;
        return
        [
            .. _stateAtEnd.Values
                .Where(e => e.State != AlarmState.Normal && _to - e.RaisedAt >= staleAfter)
                .OrderBy(e => e.RaisedAt)
                .ThenBy(e => e.Id, StringComparer.Ordinal)
                .Select(e => new StaleAlarm
                {
                    Id = e.Id,
                    SensorId = e.Source.SensorId,
                    RuleId = e.Source.RuleId,
                    Kind = e.Source.Kind,
                    SiteId = e.Source.SiteId,
                    Position = e.Source.Position,
                    Priority = KpiEvent.NameOf(e.Priority),
                    State = KpiEvent.NameOf(e.State),
                    RaisedAt = Time(e.RaisedAt),
                    Age = TimeSpan.FromTicks(_to - e.RaisedAt),
                }),
        ];
    }

    private List<PriorityShare> Priorities(List<Activation> activations)
    {
        var counts = activations.GroupBy(a => a.Priority).ToDictionary(g => g.Key, g => g.Count());
        var shares = new List<PriorityShare>();
        foreach (var (priority, target) in new[]
        {
            (AlarmPriority.Critical, _options.CriticalTargetPercent),
            (AlarmPriority.High, _options.HighTargetPercent),
            (AlarmPriority.Medium, _options.MediumTargetPercent),
            (AlarmPriority.Low, _options.LowTargetPercent),
        })
        {
            var count = counts.GetValueOrDefault(priority);
            shares.Add(new PriorityShare { Priority = KpiEvent.NameOf(priority), Activations = count, Percent = Percent(count, activations.Count), TargetPercent = target });
            counts.Remove(priority);
        }

        var unknown = counts.Values.Sum();
        if (unknown > 0)
        {
            shares.Add(new PriorityShare { Priority = KpiEvent.NameOf(default(AlarmPriority)), Activations = unknown, Percent = Percent(unknown, activations.Count) });
        }

        return shares;
    }
}
