using Lifeline.Domain.Alarms;

namespace Lifeline.Notifications.Rosters;

/// <summary>The crews on call, loaded from <c>rosters.yaml</c>: who is notified of which alarms, when, and how.</summary>
/// <param name="UtcOffset">The offset of the crews' local time, in which shifts are given and messages show times.</param>
/// <param name="People">Everyone who can be notified, by id.</param>
/// <param name="Crews">The crews, in file order.</param>
public sealed record Roster(TimeSpan UtcOffset, IReadOnlyDictionary<string, CrewMember> People, IReadOnlyList<Crew> Crews)
{
    /// <summary>An empty roster: nobody is notified.</summary>
    public static Roster Empty { get; } = new(TimeSpan.FromHours(8), new Dictionary<string, CrewMember>(), []);
}

/// <summary>A person on a roster.</summary>
/// <param name="Id">Roster id; acknowledgements through a link are attributed to <c>crew:{Id}</c>.</param>
/// <param name="Notify">Names of the configured channels that reach this person (<c>Notifications:Channels:{name}</c>).</param>
/// <param name="Language">Language of this person's messages.</param>
public sealed record CrewMember(string Id, string Name, string? Phone, string? Email, IReadOnlyList<string> Notify, MessageLanguage Language);

/// <summary>Languages of a message.</summary>
public enum MessageLanguage
{
    /// <summary>Chinese.</summary>
    Zh,

    /// <summary>English.</summary>
    En,

    /// <summary>Chinese, then English.</summary>
    ZhEn,
}

/// <summary>A maintenance crew: the area it looks after, the priorities it is called for, its shifts and supervisor.</summary>
/// <param name="Fallback">Receives the alarms of places no other crew covers.</param>
/// <param name="Groups">Configured channels that post to the crew's group (WeCom / DingTalk robots, webhooks).</param>
public sealed record Crew(
    string Id,
    string Name,
    CrewArea Area,
    bool Fallback,
    IReadOnlySet<AlarmPriority> Priorities,
    IReadOnlyList<string> Groups,
    CrewMember Supervisor,
    IReadOnlyList<Shift> Shifts,
    EscalationPolicy Escalation,
    MessageLanguage GroupLanguage)
{
    /// <summary>The shift on duty at <paramref name="localTime"/> (the crew's local time of day).</summary>
    public Shift? ShiftAt(TimeOnly localTime) => Shifts.FirstOrDefault(s => s.Covers(localTime));
}

/// <summary>The places a crew looks after: whole sites (a tunnel project, a sewage plant, the gas network), single tunnels, single stations.</summary>
public sealed record CrewArea(IReadOnlySet<string> Sites, IReadOnlySet<string> Tunnels, IReadOnlySet<string> Stations)
{
    /// <summary>How specifically this area names a place: 2 for its tunnel or station, 1 for its site, 0 when it does not cover it.</summary>
    public int Match(string siteId, string? tunnelId, string? stationId) =>
        (tunnelId is not null && Tunnels.Contains(tunnelId)) || (stationId is not null && Stations.Contains(stationId)) ? 2
        : Sites.Contains(siteId) ? 1
        : 0;
}

/// <summary>A daily shift; <see cref="OnCall"/> is the order in which the crew is called (first, then the next when unacknowledged).</summary>
public sealed record Shift(string Name, TimeOnly From, TimeOnly To, IReadOnlyList<CrewMember> OnCall)
{
    /// <summary>Whether the shift is on duty at <paramref name="time"/> (a shift may run over midnight: 20:00–08:00).</summary>
    public bool Covers(TimeOnly time) => From < To ? time >= From && time < To : time >= From || time < To;
}

/// <summary>When an unacknowledged alarm is sent again and to whom.</summary>
/// <param name="AckWithin">Unacknowledged this long after a person was called, the next on the shift is called (after the last: the supervisor).</param>
/// <param name="RemindEvery">While waiting, the person called last is reminded this often (zero: no reminders).</param>
/// <param name="FinalReminders">Reminders to the supervisor once everyone has been called (then it stops).</param>
public sealed record EscalationPolicy(TimeSpan AckWithin, TimeSpan RemindEvery, int FinalReminders)
{
    public static EscalationPolicy Default { get; } = new(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), 3);
}
