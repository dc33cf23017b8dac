using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms.Incidents;

/// <summary>The mutable state of one incident, owned by <see cref="IncidentCorrelator"/> under its lock.</summary>
internal sealed class Incident
{
    private const string Separator = " · ";

    private readonly Dictionary<string, IncidentMember> _members = new(StringComparer.Ordinal);

    // Zone → the earliest raise (and its seq) of a non-dependant alarm there, kept when that alarm leaves the list.
    private readonly Dictionary<string, (DateTimeOffset At, long Seq)> _zones = new(StringComparer.Ordinal);

    public Incident(string id, string place, IncidentMember first)
    {
        Id = id;
        Place = place;
        var alarm = first.Last;
        Kind = alarm.Kind;
        SiteId = alarm.SiteId;
        TunnelId = alarm.TunnelId;
        CabinId = alarm.CabinId;
        DeviceId = IncidentCorrelator.HasZone(alarm) ? null : alarm.DeviceId;
        FirstOut = first;
        Add(first);
    }

    public string Id { get; }

    /// <summary>The cabin (zone alarms) or device (other alarms) it is indexed under while open.</summary>
    public string Place { get; }

    public string Kind { get; }

    public string SiteId { get; }

    public string? TunnelId { get; }

    public string? CabinId { get; }

    public string? DeviceId { get; }

    /// <summary>The earliest raised non-dependant alarm (tie: lowest seq); never dropped from the list.</summary>
    public IncidentMember FirstOut { get; private set; }

    /// <summary>The highest priority of any alarm it ever held.</summary>
    public AlarmPriority Priority { get; private set; } = AlarmPriority.Low;

    public int Omitted { get; private set; }

    public DateTimeOffset? ClosedAt { get; private set; }

    public string? MergedInto { get; private set; }

    public bool IsOpen => ClosedAt is null;

    /// <summary>The latest published change.</summary>
    public IncidentDto? Last { get; set; }

    public int Count => _members.Count;

    public IEnumerable<IncidentMember> Members => _members.Values;

    public bool AllOver => _members.Values.All(m => m.IsOver);

    public bool TryGet(string alarmId, [NotNullWhen(true)] out IncidentMember? member) => _members.TryGetValue(alarmId, out member);

    public void Add(IncidentMember member)
    {
        _members[member.AlarmId] = member;
        Noted(member);
        if (member.Dependant)
        {
            return;
        }

        if (member.IsBefore(FirstOut))
        {
            FirstOut = member;
        }

        if (member.Last.ZoneId is { } zone)
        {
            NoteZone(zone, member.FirstRaisedAt, member.FirstSeq);
        }
    }

    /// <summary>Takes note of a member's latest transition.</summary>
    public void Noted(IncidentMember member)
    {
        var priority = member.Priority;
        if (priority > Priority)
        {
            Priority = priority;
        }
    }

    /// <summary>Takes over the alarms of <paramref name="other"/>: as its own (a connecting spread) or as dependants (comm loss).</summary>
    public void Absorb(Incident other, bool asDependants)
    {
        foreach (var member in other.Members)
        {
            member.Dependant |= asDependants;
            Add(member);
        }

        if (!asDependants)
        {
            foreach (var (zone, first) in other._zones)
            {
                NoteZone(zone, first.At, first.Seq);
            }
        }

        if (other.Priority > Priority)
        {
            Priority = other.Priority;
        }

        Omitted += other.Omitted;
    }

    public void Close(DateTimeOffset at, string? mergedInto)
    {
        ClosedAt = at;
        MergedInto = mergedInto;
    }

    /// <summary>When the list is over <paramref name="max"/>, drops the oldest alarm that is over (never the first-out) and returns it.</summary>
    public IncidentMember? TrimOne(int max)
    {
        if (_members.Count <= max)
        {
            return null;
        }

        IncidentMember? oldest = null;
        foreach (var member in _members.Values)
        {
            if (member.IsOver && !ReferenceEquals(member, FirstOut) && (oldest is null || member.IsBefore(oldest)))
            {
                oldest = member;
            }
        }

        if (oldest is not null)
        {
            _members.Remove(oldest.AlarmId);
            Omitted++;
        }

        return oldest;
    }

    public IncidentDto ToDto(long seq, DateTimeOffset changedAt, ZoneTopology topology)
    {
        var zones = _zones.OrderBy(z => z.Value.At).ThenBy(z => z.Value.Seq).Select(z => z.Key).ToArray();
        var alarms = _members.Values.OrderBy(m => m.FirstRaisedAt).ThenBy(m => m.FirstSeq).Select(m => m.ToDto()).ToArray();
        return new IncidentDto
        {
            Seq = seq,
            Id = Id,
            State = IsOpen ? "Open" : "Closed",
            Kind = Kind,
            SiteId = SiteId,
            TunnelId = TunnelId,
            CabinId = CabinId,
            DeviceId = DeviceId,
            Zones = zones,
            Direction = DirectionOf(zones, topology).ToString(),
            FirstOutAlarmId = FirstOut.AlarmId,
            Alarms = alarms,
            ActiveAlarms = _members.Values.Count(m => !m.IsOver),
            OmittedAlarms = Omitted,
            Priority = Priority.ToString(),
            OpenedAt = FirstOut.FirstRaisedAt,
            ClosedAt = ClosedAt,
            MergedInto = MergedInto,
            Location = LocationOf(zones, topology),
            ChangedAt = changedAt,
        };
    }

    private void NoteZone(string zone, DateTimeOffset at, long seq)
    {
        if (!_zones.TryGetValue(zone, out var known) || at < known.At || (at == known.At && seq < known.Seq))
        {
            _zones[zone] = (at, seq);
        }
    }

    // zones[0] is the first-out's zone: both are the earliest (raise, seq) of the non-dependant alarms.
    private static SpreadDirection DirectionOf(string[] zones, ZoneTopology topology)
    {
        if (zones.Length < 2 || topology.Find(zones[0]) is not { } origin)
        {
            return SpreadDirection.None;
        }

        bool up = false, down = false;
        for (var i = 1; i < zones.Length; i++)
        {
            if (topology.Find(zones[i]) is not { } zone)
            {
                continue;
            }

            up |= zone.StartM > origin.StartM;
            down |= zone.StartM < origin.StartM;
        }

        return (up, down) switch
        {
            (true, true) => SpreadDirection.Both,
            (true, false) => SpreadDirection.IncreasingChainage,
            (false, true) => SpreadDirection.DecreasingChainage,
            _ => SpreadDirection.None,
        };
    }

    // One zone: the first-out alarm's own location. Several: its tunnel and cabin, then the zones and their chainage.
    private string LocationOf(string[] zones, ZoneTopology topology)
    {
        var location = FirstOut.Last.Location;
        if (zones.Length < 2)
        {
            return location;
        }

        var infos = zones.Select(topology.Find).ToArray();
        var cut = location.LastIndexOf(Separator, StringComparison.Ordinal);
        if (cut <= 0 || infos.Any(z => z is null))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{location} and {zones.Length - 1} adjacent zone(s)");
        }

        var known = infos.Select(z => z!).OrderBy(z => z.Index).ToArray();
        var contiguous = known[^1].Index - known[0].Index == known.Length - 1;
        var names = contiguous
            ? string.Create(CultureInfo.InvariantCulture, $"{known[0].Index}–{known[^1].Index}")
            : string.Join(", ", known.Select(z => z.Index.ToString(CultureInfo.InvariantCulture)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{location[..cut]}{Separator}zones {names} ({Chainage(known.Min(z => z.StartM))}–{Chainage(known.Max(z => z.EndM))})");
    }

    private static string Chainage(double metres)
    {
        var km = (long)Math.Floor(metres / 1000);
        return string.Create(CultureInfo.InvariantCulture, $"K{km}+{metres - (km * 1000):000.##}");
    }
}
