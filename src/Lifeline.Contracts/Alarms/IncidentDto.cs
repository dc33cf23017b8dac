namespace Lifeline.Contracts.Alarms;

/// <summary>
/// An incident: the alarms of one event grouped as operators should see it — the same parameter spreading through
/// adjacent fire zones of one cabin, the levels of one parameter at one place, or a device's comm loss with that
/// device's alarms. The payload of SignalR <c>IncidentChanged</c> and of <c>/api/incidents</c>. <c>Seq</c> is strictly
/// increasing over all incidents, one per change.
/// </summary>
public sealed record IncidentDto
{
    public required long Seq { get; init; }

    /// <summary>Stable id, <c>I000001</c>, …</summary>
    public required string Id { get; init; }

    /// <summary><c>Open</c> while any of its alarms is not over, then <c>Closed</c>.</summary>
    public required string State { get; init; }

    /// <summary>The alarm kind of its (non-dependant) alarms: the parameter, e.g. <c>ch4_high</c>, or the comm-loss kind.</summary>
    public required string Kind { get; init; }

    public required string SiteId { get; init; }

    public string? TunnelId { get; init; }

    public string? CabinId { get; init; }

    /// <summary>Set when the incident is grouped per device (a place without fire zones: a plant, a gas station).</summary>
    public string? DeviceId { get; init; }

    /// <summary>The fire zones in the order they went into alarm, first-out zone first; empty outside tunnels.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>
    /// Where the alarm spread from the first-out zone along the cabin: <c>None</c> (one zone), <c>IncreasingChainage</c>,
    /// <c>DecreasingChainage</c> or <c>Both</c>.
    /// </summary>
    public required string Direction { get; init; }

    /// <summary>The earliest raised alarm (tie: the lowest seq), never a dependant.</summary>
    public required string FirstOutAlarmId { get; init; }

    /// <summary>The alarms, in the order they were raised, with their latest states.</summary>
    public required IReadOnlyList<IncidentAlarmDto> Alarms { get; init; }

    /// <summary>How many alarms are not over.</summary>
    public int ActiveAlarms { get; init; }

    /// <summary>Alarms left out of <see cref="Alarms"/> to bound an incident's size: the oldest ones that were over.</summary>
    public int OmittedAlarms { get; init; }

    /// <summary>The highest priority of its alarms: <c>Critical</c>, <c>High</c>, <c>Medium</c> or <c>Low</c>.</summary>
    public required string Priority { get; init; }

    /// <summary>When the first-out alarm was raised.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When the last of its alarms was over (or when it was merged into another incident).</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>
    /// Set when an alarm joined this incident to another one (a spread that connected them, or its device's comm loss):
    /// the incident that now holds its alarms. It is then closed.
    /// </summary>
    public string? MergedInto { get; init; }

    /// <summary>Readable place: tunnel · cabin · zones and chainage, or station.</summary>
    public required string Location { get; init; }

    /// <summary>When the alarm transition that caused this change happened.</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}
