using System.Globalization;
using System.Text.RegularExpressions;
using Lifeline.Assets;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Notifications.Channels;

namespace Lifeline.Notifications.Rosters;

/// <summary>
/// Loads <c>rosters.yaml</c> and checks it against the registry (sites, tunnels, stations) and, when given, the
/// configured channels. Every problem is reported at once, each as <c>&lt;file&gt;: &lt;path&gt;: &lt;reason&gt; (line N)</c>.
/// </summary>
public static partial class RosterLoader
{
    /// <summary>The file's name in a city's seed directory.</summary>
    public const string FileName = "rosters.yaml";

    private static readonly Vocabulary<AlarmPriority> Priorities = new(
        "priority", ("critical", AlarmPriority.Critical), ("high", AlarmPriority.High), ("medium", AlarmPriority.Medium), ("low", AlarmPriority.Low));

    private static readonly Vocabulary<MessageLanguage> Languages = new("language", ("zh", MessageLanguage.Zh), ("en", MessageLanguage.En), ("zh+en", MessageLanguage.ZhEn));

    /// <summary>Loads and validates <paramref name="file"/>.</summary>
    /// <param name="channels">The configured channels by name; null skips the channel checks.</param>
    /// <exception cref="AssetRegistryException">With every error found, in file order.</exception>
    public static Roster Load(string file, AssetRegistry registry, IReadOnlyDictionary<string, ChannelType>? channels)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(registry);
        var errors = new ErrorList();
        var root = YamlSource.Load(file, errors);
        Roster? roster = null;
        if (root is not null)
        {
            roster = Read(new YamlReader(file, errors), root, registry, channels);
        }

        if (errors.Count > 0 || roster is null)
        {
            throw new AssetRegistryException(errors.Items.Count > 0 ? errors.Items : [$"{file}: (root): could not be read"]);
        }

        return roster;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^[+-](?<h>\d{2}):(?<m>\d{2})$")]
    private static partial Regex OffsetPattern();

    [GeneratedRegex(@"^(?<h>\d{2}):(?<m>\d{2})$")]
    private static partial Regex TimePattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 -]{4,19}$")]
    private static partial Regex PhonePattern();

    private static Roster? Read(YamlReader reader, YamlDotNet.RepresentationModel.YamlNode root, AssetRegistry registry, IReadOnlyDictionary<string, ChannelType>? channels)
    {
        var map = reader.Map(root, YamlPath.Root, ["people", "crews"], ["utc_offset", "escalation"]);
        if (map is null)
        {
            return null;
        }

        var offset = TimeSpan.FromHours(8);
        if (map.Text("utc_offset") is { } rawOffset)
        {
            var m = OffsetPattern().Match(rawOffset);
            if (!m.Success || int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) > 14 || int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) > 59)
            {
                map.Error("utc_offset", $"expected an offset such as +08:00, got '{rawOffset}'");
            }
            else
            {
                offset = TimeSpan.ParseExact(rawOffset.TrimStart('+', '-'), @"hh\:mm", CultureInfo.InvariantCulture) * (rawOffset[0] == '-' ? -1 : 1);
            }
        }

        var defaults = map.Has("escalation") ? ReadEscalation(map.Map("escalation", [], EscalationKeys), EscalationPolicy.Default) : EscalationPolicy.Default;
        var broken = new HashSet<string>(StringComparer.Ordinal);
        var people = ReadPeople(reader, map, channels, broken);
        var crews = new List<Crew>();
        var crewIds = new Dictionary<string, long>(StringComparer.Ordinal);
        string? fallback = null;
        foreach (var item in map.Sequence("crews") ?? [])
        {
            var crew = reader.Map(item.Node, item.Path, ["id", "name", "supervisor", "shifts"], ["areas", "fallback", "priorities", "groups", "escalation", "group_lang"]);
            if (crew is null)
            {
                continue;
            }

            var id = crew.Name("id", IdPattern(), "crew id (lower-case letters, digits, '.', '_', '-')");
            if (id is not null && crewIds.TryGetValue(id, out var line))
            {
                crew.Error("id", $"duplicate crew id '{id}' (first at line {line})");
                id = null;
            }
            else if (id is not null)
            {
                crewIds[id] = crew["id"]!.Start.Line;
            }

            var name = crew.Text("name");
            var isFallback = crew.Boolean("fallback") ?? false;
            if (isFallback && fallback is not null)
            {
                crew.Error("fallback", $"only one crew may be the fallback ('{fallback}' already is)");
            }
            else if (isFallback)
            {
                fallback = id;
            }

            var area = ReadArea(reader, crew, registry);
            if (!isFallback && area is { Sites.Count: 0, Tunnels.Count: 0, Stations.Count: 0 })
            {
                crew.Error("areas", "a crew needs at least one site, tunnel or station in 'areas' (or 'fallback: true')");
            }

            var priorities = crew.Has("priorities")
                ? crew.Choices("priorities", Priorities)?.ToHashSet()
                : [AlarmPriority.Critical, AlarmPriority.High, AlarmPriority.Medium, AlarmPriority.Low];
            if (priorities is { Count: 0 })
            {
                crew.Error("priorities", "must name at least one priority (critical, high, medium, low)");
            }

            var groups = ReadChannelNames(reader, crew, "groups", channels, null);
            var supervisor = Person(crew, "supervisor", people, broken);
            var shifts = ReadShifts(reader, crew, people, broken);
            var escalation = crew.Has("escalation") ? ReadEscalation(crew.Map("escalation", [], EscalationKeys), defaults ?? EscalationPolicy.Default) : defaults;
            var groupLanguage = crew.Has("group_lang") ? crew.Choice("group_lang", Languages) : MessageLanguage.Zh;
            if (id is not null && name is not null && area is not null && priorities is { Count: > 0 } && groups is not null && supervisor is not null
                && shifts is not null && escalation is not null && groupLanguage is { } language)
            {
                crews.Add(new Crew(id, name, area, isFallback, priorities, groups, supervisor, shifts, escalation, language));
            }
        }

        return new Roster(offset, people, crews);
    }

    private static readonly string[] EscalationKeys = ["ack_within", "remind_every", "final_reminders"];

    private static EscalationPolicy? ReadEscalation(YamlMap? map, EscalationPolicy defaults)
    {
        if (map is null)
        {
            return null;
        }

        var ackWithin = map.Has("ack_within") ? map.Duration("ack_within") : defaults.AckWithin;
        var remind = map.Has("remind_every") ? map.Duration("remind_every") : defaults.RemindEvery;
        var final = map.Has("final_reminders") ? map.Integer("final_reminders") : defaults.FinalReminders;
        var ok = ackWithin is not null && remind is not null && final is not null;
        if (ackWithin is { } a && a < TimeSpan.FromMinutes(1))
        {
            map.Error("ack_within", $"must be at least 1m (got {Format(a)})");
            ok = false;
        }

        if (remind is { } r && r != TimeSpan.Zero && r < TimeSpan.FromMinutes(1))
        {
            map.Error("remind_every", $"must be 0 (no reminders) or at least 1m (got {Format(r)})");
            ok = false;
        }

        if (final is < 0 or > 100)
        {
            map.Error("final_reminders", $"must be between 0 and 100 (got {final})");
            ok = false;
        }

        return ok ? new EscalationPolicy(ackWithin!.Value, remind!.Value, final!.Value) : null;
    }

    private static Dictionary<string, CrewMember> ReadPeople(YamlReader reader, YamlMap map, IReadOnlyDictionary<string, ChannelType>? channels, HashSet<string> broken)
    {
        var people = new Dictionary<string, CrewMember>(StringComparer.Ordinal);
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var item in map.Sequence("people") ?? [])
        {
            var person = reader.Map(item.Node, item.Path, ["id", "name", "notify"], ["phone", "email", "lang"]);
            if (person is null)
            {
                continue;
            }

            var id = person.Name("id", IdPattern(), "person id (lower-case letters, digits, '.', '_', '-')");
            if (id is not null && lines.TryGetValue(id, out var line))
            {
                person.Error("id", $"duplicate person id '{id}' (first at line {line})");
                id = null;
            }
            else if (id is not null)
            {
                lines[id] = person["id"]!.Start.Line;
            }

            var name = person.Text("name");
            var phone = person.Has("phone") ? person.Name("phone", PhonePattern(), "phone number (digits, spaces or dashes, optional leading +)") : null;
            var email = person.Has("email") ? person.Text("email") : null;
            if (email is not null && (email.IndexOf('@', StringComparison.Ordinal) is <= 0 || email.EndsWith('@') || email.Contains(' ', StringComparison.Ordinal)))
            {
                person.Error("email", $"'{email}' is not an e-mail address");
                email = null;
            }

            var language = person.Has("lang") ? person.Choice("lang", Languages) : MessageLanguage.Zh;
            var notify = ReadChannelNames(reader, person, "notify", channels, (phone, email));
            if (id is null || name is null || notify is null || language is null || (person.Has("phone") && phone is null) || (person.Has("email") && email is null))
            {
                // Its error is reported; references to it are not reported again.
                if (id is not null)
                {
                    broken.Add(id);
                }

                continue;
            }

            people[id] = new CrewMember(id, name, phone?.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal), email, notify, language.Value);
        }

        return people;
    }

    private static List<string>? ReadChannelNames(YamlReader reader, YamlMap map, string key, IReadOnlyDictionary<string, ChannelType>? channels, (string? Phone, string? Email)? person)
    {
        if (!map.Has(key))
        {
            return [];
        }

        var items = map.Sequence(key);
        if (items is null)
        {
            return null;
        }

        var names = new List<string>();
        var ok = true;
        foreach (var item in items)
        {
            if (reader.Text(item.Node, item.Path) is not { } name)
            {
                ok = false;
                continue;
            }

            if (names.Contains(name, StringComparer.Ordinal))
            {
                reader.Error(item.Node, item.Path, $"channel '{name}' is listed twice");
                ok = false;
                continue;
            }

            if (channels is not null)
            {
                if (!channels.TryGetValue(name, out var type))
                {
                    var known = channels.Count == 0 ? "none is configured" : "configured: " + string.Join(", ", channels.Keys.Order(StringComparer.Ordinal));
                    reader.Error(item.Node, item.Path, $"unknown channel '{name}' (Notifications:Channels:{name}); {known}");
                    ok = false;
                    continue;
                }

                if (person is { } p && type == ChannelType.Email && p.Email is null)
                {
                    reader.Error(item.Node, item.Path, $"channel '{name}' sends e-mail, but this person has no 'email'");
                    ok = false;
                    continue;
                }

                if (person is { } q && type == ChannelType.Sms && q.Phone is null)
                {
                    reader.Error(item.Node, item.Path, $"channel '{name}' sends SMS, but this person has no 'phone'");
                    ok = false;
                    continue;
                }

                if (person is null && type is ChannelType.Email or ChannelType.Sms)
                {
                    reader.Error(item.Node, item.Path, $"channel '{name}' is a {type} channel, which reaches people, not a group (use a webhook, wecom or dingtalk channel)");
                    ok = false;
                    continue;
                }
            }

            names.Add(name);
        }

        return ok ? names : null;
    }

    private static CrewArea? ReadArea(YamlReader reader, YamlMap crew, AssetRegistry registry)
    {
        if (!crew.Has("areas"))
        {
            return new CrewArea(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
        }

        var areas = crew.Map("areas", [], ["sites", "tunnels", "stations"]);
        if (areas is null)
        {
            return null;
        }

        var stations = registry.Sites.SelectMany(s => s.Stations).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var sites = Ids(reader, areas, "sites", id => registry.TryGetSite(id, out _), "site", registry.Sites.Select(s => s.Id));
        var tunnels = Ids(reader, areas, "tunnels", id => registry.TryGetTunnel(id, out _), "tunnel", registry.Sites.SelectMany(s => s.Tunnels).Select(t => t.Id));
        var stationIds = Ids(reader, areas, "stations", stations.Contains, "station", stations);
        return sites is null || tunnels is null || stationIds is null ? null : new CrewArea(sites, tunnels, stationIds);
    }

    private static HashSet<string>? Ids(YamlReader reader, YamlMap map, string key, Func<string, bool> exists, string what, IEnumerable<string> all)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        if (!map.Has(key))
        {
            return result;
        }

        var ok = true;
        foreach (var item in map.Sequence(key) ?? [])
        {
            if (reader.Text(item.Node, item.Path) is not { } id)
            {
                ok = false;
            }
            else if (!exists(id))
            {
                reader.Error(item.Node, item.Path, $"unknown {what} '{id}'{YamlReader.DidYouMean(id, all)}");
                ok = false;
            }
            else if (!result.Add(id))
            {
                reader.Error(item.Node, item.Path, $"{what} '{id}' is listed twice");
                ok = false;
            }
        }

        return ok && map.Sequence(key) is not null ? result : null;
    }

    private static CrewMember? Person(YamlMap map, string key, IReadOnlyDictionary<string, CrewMember> people, HashSet<string> broken)
    {
        if (map.Text(key) is not { } id)
        {
            return null;
        }

        if (people.TryGetValue(id, out var person))
        {
            return person;
        }

        if (broken.Contains(id))
        {
            return null;
        }

        map.Error(key, $"unknown person '{id}' (not in 'people', or listed there with an error){YamlReader.DidYouMean(id, people.Keys)}");
        return null;
    }

    private static List<Shift>? ReadShifts(YamlReader reader, YamlMap crew, IReadOnlyDictionary<string, CrewMember> people, HashSet<string> broken)
    {
        var items = crew.Sequence("shifts");
        if (items is null)
        {
            return null;
        }

        var shifts = new List<Shift>();
        var ok = true;
        var covered = new string?[24 * 60];
        foreach (var item in items)
        {
            var shift = reader.Map(item.Node, item.Path, ["name", "from", "to", "on_call"]);
            if (shift is null)
            {
                ok = false;
                continue;
            }

            var name = shift.Text("name");
            var from = Time(shift, "from");
            var to = Time(shift, "to");
            var onCall = new List<CrewMember>();
            foreach (var person in shift.Sequence("on_call") ?? [])
            {
                if (reader.Text(person.Node, person.Path) is not { } id)
                {
                    ok = false;
                }
                else if (!people.TryGetValue(id, out var member))
                {
                    if (!broken.Contains(id))
                    {
                        reader.Error(person.Node, person.Path, $"unknown person '{id}' (not in 'people', or listed there with an error){YamlReader.DidYouMean(id, people.Keys)}");
                    }

                    ok = false;
                }
                else if (onCall.Contains(member))
                {
                    reader.Error(person.Node, person.Path, $"'{id}' is listed twice in this shift");
                    ok = false;
                }
                else
                {
                    onCall.Add(member);
                }
            }

            if (shift.Has("on_call") && shift.Sequence("on_call") is { Count: 0 })
            {
                shift.Error("on_call", "a shift needs at least one person on call");
                ok = false;
            }

            if (name is null || from is null || to is null || !shift.Has("on_call"))
            {
                ok = false;
                continue;
            }

            var candidate = new Shift(name, from.Value, to.Value, onCall);
            for (var minute = 0; minute < covered.Length; minute++)
            {
                if (!candidate.Covers(TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(minute))))
                {
                    continue;
                }

                if (covered[minute] is { } other)
                {
                    shift.Error("from", $"overlaps shift '{other}' at {minute / 60:D2}:{minute % 60:D2}");
                    ok = false;
                    break;
                }

                covered[minute] = name;
            }

            shifts.Add(candidate);
        }

        if (ok && Array.IndexOf(covered, null) is var gap and >= 0)
        {
            crew.Error("shifts", $"nobody is on call at {gap / 60:D2}:{gap % 60:D2}: the shifts must cover the whole day");
            ok = false;
        }

        return ok ? shifts : null;
    }

    private static TimeOnly? Time(YamlMap map, string key)
    {
        if (map.Text(key) is not { } raw)
        {
            return null;
        }

        var m = TimePattern().Match(raw);
        if (!m.Success || int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture) > 23 || int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) > 59)
        {
            map.Error(key, $"expected a time of day HH:mm (00:00–23:59), got '{raw}'");
            return null;
        }

        return new TimeOnly(int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture));
    }

    private static string Format(TimeSpan t) => t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.###}s" : $"{t.TotalMinutes:0.##}m";
}
