namespace Lifeline.Contracts.Alarms;

/// <summary>
/// ISA-18.2 / EEMUA 191 alarm-system performance over one window <c>[From, To]</c> (both ends included): the payload of
/// <c>GET /api/alarms/kpis</c>. An <em>activation</em> is an annunciated alarm: a <c>Raised</c> or <c>Reraised</c> transition
/// whose resulting state is <c>Unacknowledged</c>. Sliding windows (floods, chattering) hold the activations of
/// <c>(t − window, t]</c>; rate periods are aligned to the UTC clock (<c>hh:00</c>, <c>hh:10</c>, …).
/// </summary>
public sealed record AlarmKpis
{
    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset To { get; init; }

    /// <summary>The operator position the figures are limited to; <c>null</c> for all positions.</summary>
    public string? Position { get; init; }

    /// <summary>When the figures were computed.</summary>
    public required DateTimeOffset ComputedAt { get; init; }

    /// <summary>
    /// Whether every transition of the window is still held. <c>false</c> when the window reaches back before
    /// <see cref="EvictedThrough"/> (retention or the event cap dropped older transitions): the figures are then a lower bound.
    /// </summary>
    public required bool Complete { get; init; }

    /// <summary>The time of the newest transition dropped from memory, or <c>null</c> if none was ever dropped.</summary>
    public DateTimeOffset? EvictedThrough { get; init; }

    /// <summary>Annunciated activations in the window.</summary>
    public required int Activations { get; init; }

    /// <summary>Alarms raised while already shelved, suppressed or out of service (not annunciated, not in the other figures).</summary>
    public required int SuppressedActivations { get; init; }

    /// <summary>The activation rate of all positions together (the targets are per operator position: see <see cref="Positions"/>).</summary>
    public required AlarmRateKpi Total { get; init; }

    /// <summary>Rate and flood time of each operator position, by position name.</summary>
    public required IReadOnlyList<PositionKpis> Positions { get; init; }

    /// <summary>Flood periods of every position that overlap the window, oldest first.</summary>
    public required IReadOnlyList<FloodPeriod> Floods { get; init; }

    /// <summary>Percentage of the window during which at least one position was in flood.</summary>
    public required double TimeInFloodPercent { get; init; }

    /// <summary>The sources (sensor and rule) with the most activations, most first.</summary>
    public required IReadOnlyList<BadActor> BadActors { get; init; }

    /// <summary>Share of all activations that came from <see cref="BadActors"/>, in percent.</summary>
    public required double BadActorsSharePercent { get; init; }

    /// <summary>Sources that activated at least the chattering count within the chatter window, worst first.</summary>
    public required IReadOnlyList<ChatteringSource> Chattering { get; init; }

    /// <summary>Sources with fleeting activations (cleared within the fleeting time, before any operator action), most first.</summary>
    public required IReadOnlyList<FleetingSource> Fleeting { get; init; }

    /// <summary>Alarms not over at <see cref="To"/> that had been raised at least the stale time before it, oldest first.</summary>
    public required IReadOnlyList<StaleAlarm> Stale { get; init; }

    /// <summary>Activations by priority: <c>Critical</c>, <c>High</c>, <c>Medium</c>, <c>Low</c> (then any other seen).</summary>
    public required IReadOnlyList<PriorityShare> Priorities { get; init; }

    /// <summary>
    /// Every shelve, suppression and removal from service (and their ends) in the window, oldest first; at most the
    /// configured number of entries (the newest are kept), see <see cref="ShelvingAuditCount"/>.
    /// </summary>
    public required IReadOnlyList<ShelvingAuditEntry> ShelvingAudit { get; init; }

    /// <summary>How many shelving-audit transitions the window holds (may exceed the entries listed).</summary>
    public required int ShelvingAuditCount { get; init; }

    /// <summary>Alarm states at <see cref="To"/>.</summary>
    public required AlarmStateCounts AtEnd { get; init; }

    /// <summary>The targets and thresholds the figures were computed with.</summary>
    public required AlarmKpiTargets Targets { get; init; }
}

/// <summary>How an average alarm rate compares with the EEMUA 191 targets for one operator.</summary>
public enum AlarmLoadRating
{
    /// <summary>At most the acceptable rate (≈1 per 10 minutes).</summary>
    Acceptable,

    /// <summary>Above acceptable, at most the manageable maximum (≈2 per 10 minutes).</summary>
    Manageable,

    /// <summary>Above the manageable maximum.</summary>
    OverDemanding,
}

/// <summary>Activation rate over a window: averages, and peaks over clock-aligned 10-minute periods and hours.</summary>
public sealed record AlarmRateKpi
{
    public required int Activations { get; init; }

    /// <summary>Activations divided by the window length in 10-minute periods.</summary>
    public required double AveragePer10Minutes { get; init; }

    /// <summary>Most activations in one clock-aligned 10-minute period of the window.</summary>
    public required int PeakPer10Minutes { get; init; }

    /// <summary>Start of the (first) 10-minute period with the peak; <c>null</c> without activations.</summary>
    public DateTimeOffset? PeakPer10MinutesAt { get; init; }

    /// <summary>Activations divided by the window length in hours.</summary>
    public required double AveragePerHour { get; init; }

    /// <summary>Most activations in one clock hour of the window.</summary>
    public required int PeakPerHour { get; init; }

    /// <summary>Start of the (first) hour with the peak; <c>null</c> without activations.</summary>
    public DateTimeOffset? PeakPerHourAt { get; init; }

    /// <summary>The average per 10 minutes against the acceptable and manageable targets.</summary>
    public required AlarmLoadRating Rating { get; init; }
}

/// <summary>The figures of one operator position.</summary>
public sealed record PositionKpis
{
    public required string Position { get; init; }

    /// <summary>The sites the position watches (a site not mapped to a position is its own position).</summary>
    public required IReadOnlyList<string> Sites { get; init; }

    public required AlarmRateKpi Rate { get; init; }

    /// <summary>Flood periods of this position overlapping the window.</summary>
    public required int Floods { get; init; }

    /// <summary>Percentage of the window this position was in flood.</summary>
    public required double TimeInFloodPercent { get; init; }
}

/// <summary>
/// One alarm flood of one position: from the moment more than the start count fell within the flood window until the
/// moment fewer than the end count did.
/// </summary>
public sealed record FloodPeriod
{
    public required string Position { get; init; }

    public required DateTimeOffset Start { get; init; }

    /// <summary>When the flood ended; <c>null</c> if it was still on at the end of the window.</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>From start to end, or to the end of the window if still on.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Most activations within one flood window during the flood.</summary>
    public required int Peak { get; init; }

    /// <summary>Activations that fell within a flood window of the flood (including those that started it).</summary>
    public required int Activations { get; init; }
}

/// <summary>An alarm source ranked by its share of the alarm load.</summary>
public sealed record BadActor
{
    public required string SensorId { get; init; }

    public required string RuleId { get; init; }

    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public required string Position { get; init; }

    /// <summary>Priority of its latest activation in the window.</summary>
    public required string Priority { get; init; }

    public required int Activations { get; init; }

    /// <summary>Its activations as a percentage of all activations.</summary>
    public required double SharePercent { get; init; }
}

/// <summary>A source that activated repeatedly within a short window.</summary>
public sealed record ChatteringSource
{
    public required string SensorId { get; init; }

    public required string RuleId { get; init; }

    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public required string Position { get; init; }

    /// <summary>Its activations in the window.</summary>
    public required int Activations { get; init; }

    /// <summary>Most of its activations within one chatter window.</summary>
    public required int MaxInWindow { get; init; }

    /// <summary>The activation with which it first reached the chattering count.</summary>
    public required DateTimeOffset FirstAt { get; init; }
}

/// <summary>A source whose alarms cleared by themselves within seconds, before any operator action.</summary>
public sealed record FleetingSource
{
    public required string SensorId { get; init; }

    public required string RuleId { get; init; }

    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public required string Position { get; init; }

    /// <summary>Activations in the window that were fleeting.</summary>
    public required int Fleeting { get; init; }

    /// <summary>All its activations in the window.</summary>
    public required int Activations { get; init; }
}

/// <summary>An alarm that has stood (not over) for a long time.</summary>
public sealed record StaleAlarm
{
    public required string Id { get; init; }

    public required string SensorId { get; init; }

    public required string RuleId { get; init; }

    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public required string Position { get; init; }

    public required string Priority { get; init; }

    /// <summary>Its state at the end of the window.</summary>
    public required string State { get; init; }

    public required DateTimeOffset RaisedAt { get; init; }

    /// <summary>From <see cref="RaisedAt"/> to the end of the window.</summary>
    public required TimeSpan Age { get; init; }
}

/// <summary>Activations of one priority against the ISA-18.2 / EEMUA distribution guidance.</summary>
public sealed record PriorityShare
{
    public required string Priority { get; init; }

    public required int Activations { get; init; }

    public required double Percent { get; init; }

    /// <summary>The guidance share (≈80 % low, 15 % medium, 5 % high, under 1 % critical); <c>null</c> for an unknown priority.</summary>
    public double? TargetPercent { get; init; }
}

/// <summary>One shelve, suppression or removal from service, or its end: who, when, why and for how long.</summary>
public sealed record ShelvingAuditEntry
{
    public required long Seq { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary><c>Shelved</c>, <c>Unshelved</c>, <c>ShelveExpired</c>, <c>Suppressed</c>, <c>Unsuppressed</c>, <c>RemovedFromService</c> or <c>ReturnedToService</c>.</summary>
    public required string Transition { get; init; }

    public required string AlarmId { get; init; }

    public required string By { get; init; }

    public string? Reason { get; init; }

    public required string SensorId { get; init; }

    public required string RuleId { get; init; }

    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public required string Position { get; init; }

    public required string Priority { get; init; }

    /// <summary>The state the transition left the alarm in.</summary>
    public required string State { get; init; }

    /// <summary>For a shelve: when the shelf time runs out.</summary>
    public DateTimeOffset? ShelvedUntil { get; init; }

    /// <summary>For a shelve: the shelf time asked for (until <see cref="ShelvedUntil"/>).</summary>
    public TimeSpan? ShelfTime { get; init; }

    /// <summary>
    /// For an end (unshelve, expiry, unsuppression, return to service): how long the alarm was shelved, suppressed or
    /// out of service; <c>null</c> when the start is no longer held.
    /// </summary>
    public TimeSpan? Lasted { get; init; }
}

/// <summary>How many alarms stood in each state at the end of the window.</summary>
public sealed record AlarmStateCounts
{
    /// <summary>Alarms not over (any state but <c>Normal</c>).</summary>
    public required int NotOver { get; init; }

    public required int Shelved { get; init; }

    public required int Suppressed { get; init; }

    public required int OutOfService { get; init; }

    /// <summary>Stale alarms (see <see cref="AlarmKpis.Stale"/>).</summary>
    public required int Stale { get; init; }
}

/// <summary>The thresholds the KPIs were computed with, and the targets to compare them with.</summary>
public sealed record AlarmKpiTargets
{
    /// <summary>EEMUA: about one activation per 10 minutes per operator is very likely acceptable.</summary>
    public required double AcceptablePer10Minutes { get; init; }

    /// <summary>EEMUA: about two activations per 10 minutes per operator is the manageable maximum.</summary>
    public required double ManageablePer10Minutes { get; init; }

    /// <summary>A flood starts when more than this many activations fall within <see cref="FloodWindow"/>.</summary>
    public required int FloodStartAbove { get; init; }

    /// <summary>A flood ends when fewer than this many activations fall within <see cref="FloodWindow"/>.</summary>
    public required int FloodEndBelow { get; init; }

    public required TimeSpan FloodWindow { get; init; }

    /// <summary>Target: at most this percentage of time in flood.</summary>
    public required double TimeInFloodPercent { get; init; }

    /// <summary>How many bad actors are listed.</summary>
    public required int BadActors { get; init; }

    /// <summary>Target: the listed bad actors together carry at most this share of the load.</summary>
    public required double BadActorsSharePercent { get; init; }

    /// <summary>A source chatters with this many activations within <see cref="ChatterWindow"/> (target: no chattering source).</summary>
    public required int ChatterActivations { get; init; }

    public required TimeSpan ChatterWindow { get; init; }

    /// <summary>An activation that clears within this time without operator action is fleeting (zero: not assessed).</summary>
    public required TimeSpan FleetingWithin { get; init; }

    /// <summary>An alarm not over this long after it was raised is stale.</summary>
    public required TimeSpan StaleAfter { get; init; }

    /// <summary>Target: at most this many stale alarms at any time.</summary>
    public required int StaleMax { get; init; }
}
