using System.Globalization;
using Lifeline.Assets;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using Lifeline.Modbus;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>
/// Loads <c>modbus.yaml</c> (register maps per device model, and the devices polled over Modbus TCP) and checks it
/// against the asset registry. Every problem is reported at once, each as
/// <c>&lt;file&gt;: &lt;yaml path&gt;: &lt;reason&gt; (line N)</c>, like the registry's own seed files.
/// </summary>
public static class ModbusProfileLoader
{
    /// <summary>The file's name in a city's seed directory.</summary>
    public const string FileName = "modbus.yaml";

    /// <summary>The standard Modbus TCP port, used when neither the device nor <c>defaults</c> give one.</summary>
    public const int DefaultPort = 502;

    /// <summary>The unit identifier used when neither the device nor <c>defaults</c> give one.</summary>
    public const int DefaultUnit = 1;

    /// <summary>Shortest poll interval a group may have.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>Longest poll interval a group may have.</summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    private static readonly string[] TopKeys = ["profiles"];
    private static readonly string[] TopOptional = ["defaults", "devices"];
    private static readonly string[] DefaultsKeys = ["host", "port", "unit"];
    private static readonly string[] ProfileKeys = ["groups", "channels"];
    private static readonly string[] PointKeys = ["table", "address"];
    private static readonly string[] PointOptional = ["type", "order", "scale", "offset", "group", "optional", "writable", "feedback"];
    private static readonly string[] DeviceKeys = ["id"];

    private static readonly Vocabulary<ModbusTable> Tables = new(
        "table",
        ("coil", ModbusTable.Coils),
        ("discrete_input", ModbusTable.DiscreteInputs),
        ("input_register", ModbusTable.InputRegisters),
        ("holding_register", ModbusTable.HoldingRegisters));

    private static readonly Vocabulary<ModbusDataType> Types = new(
        "data type",
        ("bool", ModbusDataType.Bool),
        ("int16", ModbusDataType.Int16),
        ("uint16", ModbusDataType.UInt16),
        ("int32", ModbusDataType.Int32),
        ("uint32", ModbusDataType.UInt32),
        ("float32", ModbusDataType.Float32));

    private static readonly Vocabulary<ModbusByteOrder> Orders = new(
        "byte order",
        ("ABCD", ModbusByteOrder.ABCD),
        ("CDAB", ModbusByteOrder.CDAB),
        ("BADC", ModbusByteOrder.BADC),
        ("DCBA", ModbusByteOrder.DCBA));

    /// <summary>Loads and validates <paramref name="file"/> against <paramref name="registry"/>.</summary>
    /// <exception cref="AssetRegistryException">With every error found, in file order.</exception>
    public static ModbusPollPlan Load(string file, AssetRegistry registry)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(registry);
        var errors = new ErrorList();
        var root = YamlSource.Load(file, errors);
        ModbusPollPlan? plan = null;
        if (root is not null)
        {
            plan = new Parser(new YamlReader(file, errors), registry).Parse(root);
        }

        if (errors.Count > 0 || plan is null)
        {
            throw new AssetRegistryException(errors.Count > 0 ? errors.Items.ToList() : [$"{file}: could not be loaded"]);
        }

        return plan;
    }

    /// <summary>A point as written, before it is placed in its profile.</summary>
    private sealed record Entry(YamlEntry Yaml, YamlMap Map, ModbusPoint Point, string? Group, bool Optional);

    private sealed record Defaults(string? Host, int? Port, int? Unit);

    private sealed class Parser(YamlReader reader, AssetRegistry registry)
    {
        private readonly Dictionary<string, List<Device>> _byModel = registry.Devices
            .GroupBy(d => d.Model, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(d => d.Id, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);

        /// <summary>Every model with a profile entry, valid or not (a broken profile must not also make its devices "unprofiled").</summary>
        private readonly HashSet<string> _declared = new(StringComparer.Ordinal);

        private readonly Dictionary<string, ModbusProfile> _profiles = new(StringComparer.Ordinal);

        public ModbusPollPlan? Parse(YamlNode root)
        {
            var top = reader.Map(root, YamlPath.Root, TopKeys, TopOptional);
            if (top is null)
            {
                return null;
            }

            var defaults = top.Has("defaults") ? ParseDefaults(top) : new Defaults(null, null, null);
            foreach (var entry in top.Entries("profiles") ?? [])
            {
                _declared.Add(entry.Key);
                if (ParseProfile(entry) is { } profile)
                {
                    _profiles[entry.Key] = profile;
                }
            }

            var devices = new List<ModbusDeviceConfig>();
            if (top.Has("devices"))
            {
                var seen = new Dictionary<string, string>(StringComparer.Ordinal);
                var endpoints = new Dictionary<string, (string Path, string Id)>(StringComparer.Ordinal);
                foreach (var item in top.Sequence("devices") ?? [])
                {
                    if (ParseDevice(item, defaults, seen, endpoints) is { } device)
                    {
                        devices.Add(device);
                    }
                }
            }

            return new ModbusPollPlan(_profiles, devices);
        }

        private static Defaults ParseDefaults(YamlMap top)
        {
            var map = top.Map("defaults", [], DefaultsKeys);
            if (map is null)
            {
                return new Defaults(null, null, null);
            }

            var host = map.Has("host") ? CheckHost(map, "host") : null;
            var port = map.Has("port") ? CheckPort(map, "port") : null;
            var unit = map.Has("unit") ? CheckUnit(map, "unit") : null;
            return new Defaults(host, port, unit);
        }

        private ModbusProfile? ParseProfile(YamlEntry entry)
        {
            if (!_byModel.TryGetValue(entry.Key, out var devices))
            {
                reader.Error(entry.KeyNode, entry.Path, $"unknown device model '{entry.Key}': no device in the registry has it");
                return null;
            }

            var map = reader.Map(entry.Value, entry.Path, ProfileKeys);
            if (map is null)
            {
                return null;
            }

            var ok = true;
            var groupEntries = map.Entries("groups");
            var groups = new List<(YamlEntry Yaml, TimeSpan Interval)>();
            foreach (var group in groupEntries ?? [])
            {
                if (ParseGroup(group, devices) is { } interval)
                {
                    groups.Add((group, interval));
                }
                else
                {
                    ok = false;
                }
            }

            if (groupEntries is { Count: 0 })
            {
                map.Error("groups", "a profile needs at least one poll group (name: interval)");
                ok = false;
            }

            var groupsValid = groupEntries is { Count: > 0 } && groups.Count == groupEntries.Count;

            var groupNames = groups.Select(g => g.Yaml.Key).ToList();
            var entries = new List<Entry>();
            foreach (var channel in map.Entries("channels") ?? [])
            {
                if (ParsePoint(channel) is { } parsed)
                {
                    entries.Add(parsed);
                }
                else
                {
                    ok = false;
                }
            }

            var polled = new List<Entry>();
            foreach (var e in entries)
            {
                if (Place(e, entry.Key, devices, groupNames, groupsValid) is { } isPolled)
                {
                    if (isPolled)
                    {
                        polled.Add(e);
                    }
                }
                else
                {
                    ok = false;
                }
            }

            ok &= CheckFeedback(entries, polled);
            ok &= CheckOverlaps(entries);
            if (!ok || !map.Has("groups") || !map.Has("channels"))
            {
                return null;
            }

            var pollGroups = new List<ModbusPollGroup>();
            foreach (var (yaml, interval) in groups)
            {
                var points = polled.Where(e => (e.Group ?? groupNames[0]) == yaml.Key).Select(e => e.Point).ToList();
                if (points.Count == 0)
                {
                    reader.Error(yaml.Value, yaml.Path, $"poll group '{yaml.Key}' has no channels");
                    ok = false;
                }

                pollGroups.Add(new ModbusPollGroup(yaml.Key, interval, points));
            }

            if (!ok)
            {
                return null;
            }

            var optional = polled.Where(e => e.Optional).Select(e => e.Point.Name).ToHashSet(StringComparer.Ordinal);
            return new ModbusProfile(entry.Key, pollGroups, optional, entries.Where(e => e.Point.Writable).Select(e => e.Point).ToList());
        }

        private TimeSpan? ParseGroup(YamlEntry group, List<Device> devices)
        {
            if (reader.Duration(group.Value, group.Path) is not { } interval)
            {
                return null;
            }

            if (interval < MinInterval || interval > MaxInterval)
            {
                reader.Error(group.Value, group.Path, $"poll interval must be between {Show(MinInterval)} and {Show(MaxInterval)}, got {Show(interval)}");
                return null;
            }

            // The latest-value store marks a channel Stale when it is older than 3× its device's interval: a group
            // polled less often than the device is expected to report would show its channels Stale between polls.
            if (devices.FirstOrDefault(d => d.ExpectedInterval < interval) is { } slow)
            {
                reader.Error(
                    group.Value,
                    group.Path,
                    $"poll group '{group.Key}' every {Show(interval)} is slower than device '{slow.Id}' is expected to report " +
                    $"(interval {Show(slow.ExpectedInterval)}): its channels would show Stale between polls; shorten the group or raise the device's interval");
                return null;
            }

            return interval;
        }

        private Entry? ParsePoint(YamlEntry yaml)
        {
            var map = reader.Map(yaml.Value, yaml.Path, PointKeys, PointOptional);
            if (map is null)
            {
                return null;
            }

            var ok = true;
            var table = map.Choice("table", Tables);
            var address = map.Integer("address");
            ok &= table is not null && address is not null;
            if (address is < 0 or > ushort.MaxValue)
            {
                reader.Error(yaml.Value, yaml.Path, $"address {address} out of range 0..65535");
                ok = false;
            }

            var bit = table is { } t && ModbusPoint.IsBitTable(t);
            var tableName = table is { } tn ? Tables.NameOf(tn) : "table";
            ModbusDataType? type;
            if (map.Has("type"))
            {
                type = map.Choice("type", Types);
                if (bit && type is { } given && given != ModbusDataType.Bool)
                {
                    reader.Error(map["type"], map.PathOf("type"), $"{A(tableName)} holds one bit: type must be bool, got {Types.NameOf(given)}");
                    ok = false;
                }
            }
            else if (table is null || bit)
            {
                type = ModbusDataType.Bool;
            }
            else
            {
                reader.Error(yaml.Value, yaml.Path, $"missing required key 'type': a register value needs one of {Types.Allowed}");
                type = null;
            }

            ok &= type is not null;
            var flag = bit || type == ModbusDataType.Bool;
            var order = ModbusByteOrder.ABCD;
            if (map.Has("order"))
            {
                if (map.Choice("order", Orders) is not { } o)
                {
                    ok = false;
                }
                else if (flag)
                {
                    reader.Error(map["order"], map.PathOf("order"), bit ? $"order does not apply to {A(tableName)} (one bit)" : "order does not apply to type bool");
                    ok = false;
                }
                else if (type is { } tt && ModbusRegisters.Count(tt) == 1 && o is ModbusByteOrder.CDAB or ModbusByteOrder.DCBA)
                {
                    reader.Error(map["order"], map.PathOf("order"), $"order {Orders.NameOf(o)} swaps words, but {Types.NameOf(tt)} is one register: use ABCD or BADC");
                    ok = false;
                }
                else
                {
                    order = o;
                }
            }

            var scale = 1d;
            var offset = 0d;
            foreach (var key in (string[])["scale", "offset"])
            {
                if (!map.Has(key))
                {
                    continue;
                }

                if (map.Number(key) is not { } number)
                {
                    ok = false;
                    continue;
                }

                if (flag)
                {
                    reader.Error(map[key], map.PathOf(key), bit ? $"{key} does not apply to {A(tableName)} (one bit, read as 0 or 1)" : $"{key} does not apply to type bool (read as 0 or 1)");
                    ok = false;
                }
                else if (key == "scale" && number == 0)
                {
                    reader.Error(map[key], map.PathOf(key), "scale must not be 0");
                    ok = false;
                }
                else if (key == "scale")
                {
                    scale = number;
                }
                else
                {
                    offset = number;
                }
            }

            var writable = map.Has("writable") ? map.Boolean("writable") : false;
            var optional = map.Has("optional") ? map.Boolean("optional") : false;
            ok &= writable is not null && optional is not null;
            if (writable == true && table is ModbusTable.DiscreteInputs or ModbusTable.InputRegisters)
            {
                reader.Error(map["writable"], map.PathOf("writable"), $"{A(tableName)} is read-only: only coils and holding registers can be written");
                ok = false;
            }

            var feedback = map.Has("feedback") ? map.Text("feedback") : null;
            if (map.Has("feedback") && writable != true)
            {
                reader.Error(map["feedback"], map.PathOf("feedback"), "feedback names the channel a command shows up in: only for writable points");
                ok = false;
            }

            var group = map.Has("group") ? map.Text("group") : null;
            ok &= !map.Has("group") || group is not null;
            ok &= !map.Has("feedback") || feedback is not null;
            if (!ok)
            {
                return null;
            }

            var format = new ModbusValueFormat(type!.Value, order, scale, offset);
            var point = new ModbusPoint(yaml.Key, table!.Value, (ushort)address!.Value, format, writable!.Value, feedback);
            if (point.End - 1 > ushort.MaxValue)
            {
                reader.Error(yaml.Value, yaml.Path, $"{Types.NameOf(format.DataType)} at address {point.Address} needs registers {point.Address}..{point.End - 1}, past the last address 65535");
                return null;
            }

            return new Entry(yaml, map, point, group, optional!.Value);
        }

        /// <summary>
        /// Checks a point against the devices of its model. Returns whether it is polled (a registry channel) or only a
        /// command output, or null when it is wrong.
        /// </summary>
        private bool? Place(Entry e, string model, List<Device> devices, List<string> groupNames, bool groupsValid)
        {
            var name = e.Point.Name;
            var having = devices.Where(d => d.TryGetChannel(name, out _)).ToList();
            if (having.Count == 0)
            {
                if (e.Point.Writable && !e.Optional)
                {
                    // A command output (fan1_cmd): written, never polled, not a registry channel.
                    if (e.Group is not null)
                    {
                        reader.Error(e.Map["group"], e.Map.PathOf("group"), $"'{name}' is not a channel of model '{model}' but a command output, which is not polled: remove group");
                        return null;
                    }

                    return false;
                }

                var channels = string.Join(", ", devices[0].Channels.Select(c => c.Name));
                reader.Error(e.Yaml.KeyNode, e.Yaml.Path, $"unknown channel '{name}': no device of model '{model}' has it (channels of {devices[0].Id}: {channels})");
                return null;
            }

            if (having.Count < devices.Count && !e.Optional)
            {
                var missing = devices.Where(d => !having.Contains(d)).Select(d => d.Id).ToList();
                reader.Error(e.Yaml.KeyNode, e.Yaml.Path, $"channel '{name}' is not on {missing.Count} of the {devices.Count} devices of model '{model}': {Few(missing)}; mark it optional: true if only some devices have it");
                return null;
            }

            foreach (var device in having)
            {
                device.TryGetChannel(name, out var channel);
                if (Mismatch(channel!, e.Point) is { } reason)
                {
                    reader.Error(e.Yaml.Value, e.Yaml.Path, $"{reason} (device {device.Id})");
                    return null;
                }
            }

            if (e.Group is { } group)
            {
                if (groupsValid && !groupNames.Contains(group, StringComparer.Ordinal))
                {
                    reader.Error(e.Map["group"], e.Map.PathOf("group"), $"unknown poll group '{group}'; the profile defines: {string.Join(", ", groupNames)}");
                    return null;
                }
            }
            else if (groupNames.Count > 1)
            {
                reader.Error(e.Yaml.Value, e.Yaml.Path, $"missing required key 'group': the profile has {groupNames.Count} poll groups ({string.Join(", ", groupNames)})");
                return null;
            }

            return groupsValid ? true : null;
        }

        private static string? Mismatch(Channel channel, ModbusPoint point)
        {
            var where = point.IsBit ? A(Tables.NameOf(point.Table)) : $"{Types.NameOf(point.Format.DataType)} in {A(Tables.NameOf(point.Table))}";
            var type = channel.Type.Unit.Length > 0 ? $"{channel.Type.Id}, {channel.Type.Unit}" : channel.Type.Id;
            var flag = point.Format.DataType == ModbusDataType.Bool;
            if (channel.Kind == ChannelKind.Boolean && !flag)
            {
                return $"channel '{channel.Name}' is boolean ({type}) but is mapped to {where}: map it to a coil, a discrete input or a register of type bool";
            }

            if (channel.Kind == ChannelKind.Analog && flag)
            {
                return point.IsBit
                    ? $"channel '{channel.Name}' is analog ({type}) but is mapped to {where}, which holds one bit"
                    : $"channel '{channel.Name}' is analog ({type}) but its type is bool";
            }

            return null;
        }

        private bool CheckFeedback(List<Entry> entries, List<Entry> polled)
        {
            var ok = true;
            foreach (var e in entries.Where(e => e.Point.Feedback is not null))
            {
                var feedback = e.Point.Feedback!;
                if (!polled.Any(p => p.Point.Name == feedback))
                {
                    reader.Error(e.Map["feedback"], e.Map.PathOf("feedback"), $"feedback '{feedback}' is not a polled channel of this profile");
                    ok = false;
                }
            }

            return ok;
        }

        private bool CheckOverlaps(List<Entry> entries)
        {
            var ok = true;
            for (var i = 0; i < entries.Count; i++)
            {
                var p = entries[i].Point;
                for (var j = 0; j < i; j++)
                {
                    var q = entries[j].Point;
                    if (p.Table == q.Table && p.Address < q.End && q.Address < p.End)
                    {
                        var table = Tables.NameOf(p.Table);
                        reader.Error(
                            entries[i].Yaml.Value,
                            entries[i].Yaml.Path,
                            $"{table} {Span(p)} overlaps '{q.Name}' ({table} {Span(q)})");
                        ok = false;
                        break;
                    }
                }
            }

            return ok;
        }

        private ModbusDeviceConfig? ParseDevice(
            YamlItem item,
            Defaults defaults,
            Dictionary<string, string> seen,
            Dictionary<string, (string Path, string Id)> endpoints)
        {
            var map = reader.Map(item.Node, item.Path, DeviceKeys, DefaultsKeys);
            if (map is null)
            {
                return null;
            }

            var ok = true;
            var id = map.Text("id");
            Device? device = null;
            ModbusProfile? profile = null;
            if (id is not null)
            {
                if (seen.TryGetValue(id, out var first))
                {
                    map.Error("id", $"device '{id}' is listed twice (first at {first})");
                    ok = false;
                }
                else
                {
                    seen[id] = item.Path;
                }

                if (!registry.TryGetDevice(id, out device))
                {
                    map.Error("id", $"unknown device '{id}': not in the registry");
                    ok = false;
                }
                else if (!_declared.Contains(device.Model))
                {
                    map.Error("id", $"device '{id}' has model '{device.Model}', which has no profile under profiles");
                    ok = false;
                }
                else if (!_profiles.TryGetValue(device.Model, out profile))
                {
                    ok = false; // The broken profile is reported already.
                }
            }
            else
            {
                ok = false;
            }

            var host = map.Has("host") ? CheckHost(map, "host") : defaults.Host;
            if (host is null && !map.Has("host"))
            {
                map.Error("host", "missing required key 'host' (no defaults.host)");
            }

            var port = map.Has("port") ? CheckPort(map, "port") : defaults.Port ?? DefaultPort;
            var unit = map.Has("unit") ? CheckUnit(map, "unit") : defaults.Unit ?? DefaultUnit;
            if (host is null || port is null || unit is null)
            {
                return null;
            }

            var endpoint = $"{host.ToLowerInvariant()}:{port} unit {unit}";
            if (endpoints.TryGetValue(endpoint, out var owner))
            {
                reader.Error(item.Node, item.Path, $"endpoint {host}:{port} unit {unit} is already used by {owner.Path} ({owner.Id})");
                return null;
            }

            endpoints[endpoint] = (item.Path, id ?? "?");
            if (!ok || device is null || profile is null)
            {
                return null;
            }

            var polled = profile.Groups.SelectMany(g => g.Points).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var unpolled = device.Channels.Where(c => !polled.Contains(c.Name)).Select(c => c.Name).ToList();
            if (unpolled.Count > 0)
            {
                map.Error("id", $"device '{id}' has channels that profile '{profile.Model}' does not map, so they would never be polled: {string.Join(", ", unpolled)}");
                return null;
            }

            var groups = profile.Groups
                .Select(g => g with { Points = g.Points.Where(p => device.TryGetChannel(p.Name, out _)).ToList() })
                .Where(g => g.Points.Count > 0)
                .ToList();
            return new ModbusDeviceConfig(device, host, port.Value, (byte)unit.Value, profile, groups);
        }

        private static string? CheckHost(YamlMap map, string key)
        {
            var host = map.Text(key);
            if (host is not null && Uri.CheckHostName(host) == UriHostNameType.Unknown)
            {
                map.Error(key, $"'{host}' is not a host name or IP address");
                return null;
            }

            return host;
        }

        private static int? CheckPort(YamlMap map, string key)
        {
            var port = map.Integer(key);
            if (port is < 1 or > 65535)
            {
                map.Error(key, $"port {port} out of range 1..65535");
                return null;
            }

            return port;
        }

        private static int? CheckUnit(YamlMap map, string key)
        {
            var unit = map.Integer(key);
            if (unit == 0)
            {
                map.Error(key, "unit 0 is the broadcast address, which devices do not answer: use 1..255");
                return null;
            }

            if (unit is < 0 or > 255)
            {
                map.Error(key, $"unit {unit} out of range 1..255");
                return null;
            }

            return unit;
        }

        private static string Span(ModbusPoint p) => p.Width == 1
            ? p.Address.ToString(CultureInfo.InvariantCulture)
            : $"{p.Address}..{p.End - 1}";

        /// <summary>The name with its indefinite article: "a coil", "an input_register".</summary>
        private static string A(string name) => "aeiou".Contains(name[0], StringComparison.Ordinal) ? $"an {name}" : $"a {name}";

        private static string Few(List<string> ids) => ids.Count <= 3
            ? string.Join(", ", ids)
            : $"{string.Join(", ", ids.Take(3))} and {ids.Count - 3} more";

        private static string Show(TimeSpan t) => t switch
        {
            _ when t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) => $"{t.TotalHours:0}h",
            _ when t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) => $"{t.TotalMinutes:0}m",
            _ when t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds) => $"{t.TotalSeconds:0}s",
            _ => $"{t.TotalMilliseconds:0.###}ms",
        };
    }
}
