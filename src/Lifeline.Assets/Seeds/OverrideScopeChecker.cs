using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>
/// Checks the scopes of rules.yaml's overrides against the topology: every id exists, a combination of ids is one
/// place (the zone lies in the tunnel named with it, …), and the place has at least one sensor the rule applies to.
/// </summary>
internal static class OverrideScopeChecker
{
    private static readonly RuleScopeLevel[] Levels =
        [RuleScopeLevel.Site, RuleScopeLevel.Tunnel, RuleScopeLevel.Cabin, RuleScopeLevel.Zone, RuleScopeLevel.Device];

    /// <summary>The overrides whose scopes are valid; reports the others.</summary>
    public static List<RuleOverride> Check(YamlReader reader, IReadOnlyList<OverrideEntry> entries, AssetRegistry topology)
    {
        var valid = new List<RuleOverride>();
        foreach (var entry in entries)
        {
            if (Known(entry, topology) && Consistent(entry, topology) && Reaches(reader, entry, topology))
            {
                valid.Add(entry.Override);
            }
        }

        return valid;
    }

    private static bool Known(OverrideEntry entry, AssetRegistry topology)
    {
        var ok = true;
        foreach (var level in Levels)
        {
            if (entry.Override.Scope.IdAt(level) is not { } id || Exists(topology, level, id))
            {
                continue;
            }

            var ids = IdsAt(topology, level);
            var hint = YamlReader.DidYouMean(id, ids);
            var example = hint.Length == 0 && ids.FirstOrDefault() is { } first ? $"; e.g. '{first}'" : string.Empty;
            var name = RuleScope.NameOf(level);
            entry.Map.Error(name, $"unknown {name} '{id}'{hint}: no {name} of the asset registry has this id{example}");
            ok = false;
        }

        return ok;
    }

    /// <summary>Every less specific id given must be the one the most specific id lies in.</summary>
    private static bool Consistent(OverrideEntry entry, AssetRegistry topology)
    {
        var scope = entry.Override.Scope;
        var place = Place(topology, scope.Level, scope.Id);
        var ok = true;
        foreach (var level in Levels.Where(l => l < scope.Level))
        {
            if (scope.IdAt(level) is not { } given || string.Equals(given, place[level], StringComparison.Ordinal))
            {
                continue;
            }

            var name = RuleScope.NameOf(level);
            var actually = place[level] is { } actual ? $"it is in {name} '{actual}'" : $"it is in no {name}";
            entry.Map.Error(
                RuleScope.NameOf(scope.Level),
                $"{scope} is not in {name} '{given}' ({actually}): the ids of one override must name one place");
            ok = false;
        }

        return ok;
    }

    /// <summary>The place must hold a sensor of the rule's type that the rule applies to, or the override is dead.</summary>
    private static bool Reaches(YamlReader reader, OverrideEntry entry, AssetRegistry topology)
    {
        var (rule, scope) = (entry.Rule, entry.Override.Scope);
        var devices = topology.Devices
            .Where(d => scope.Matches(d) && d.Channels.Any(c => string.Equals(c.Type.Id, rule.SensorType, StringComparison.Ordinal)))
            .ToList();
        if (devices.Count == 0)
        {
            reader.Error(entry.Map.Node, entry.Map.Path, $"{scope} has no '{rule.SensorType}' sensor, so rule '{rule.Id}' never applies there and the override would have no effect");
            return false;
        }

        if (!devices.Any(rule.AppliesTo))
        {
            reader.Error(entry.Map.Node, entry.Map.Path, $"rule '{rule.Id}' never applies in {scope}: it is limited to {Filters(rule)}, so the override would have no effect");
            return false;
        }

        return true;
    }

    private static string Filters(ThresholdRule rule)
    {
        var parts = new List<string>();
        if (rule.CabinTypes.Count > 0)
        {
            parts.Add($"cabin types {string.Join(", ", rule.CabinTypes.Select(SeedVocabulary.CabinName))}");
        }

        if (rule.SiteKinds.Count > 0)
        {
            parts.Add($"site kinds {string.Join(", ", rule.SiteKinds.Select(SeedVocabulary.SiteKinds.NameOf))}");
        }

        return string.Join(" and ", parts);
    }

    private static bool Exists(AssetRegistry topology, RuleScopeLevel level, string id) => level switch
    {
        RuleScopeLevel.Site => topology.TryGetSite(id, out _),
        RuleScopeLevel.Tunnel => topology.TryGetTunnel(id, out _),
        RuleScopeLevel.Cabin => topology.TryGetCabin(id, out _),
        RuleScopeLevel.Zone => topology.TryGetZone(id, out _),
        RuleScopeLevel.Device => topology.TryGetDevice(id, out _),
        _ => false,
    };

    private static List<string> IdsAt(AssetRegistry topology, RuleScopeLevel level)
    {
        var tunnels = topology.Sites.SelectMany(s => s.Tunnels);
        var cabins = tunnels.SelectMany(t => t.Cabins);
        return level switch
        {
            RuleScopeLevel.Site => topology.Sites.Select(s => s.Id).ToList(),
            RuleScopeLevel.Tunnel => tunnels.Select(t => t.Id).ToList(),
            RuleScopeLevel.Cabin => cabins.Select(c => c.Id).ToList(),
            RuleScopeLevel.Zone => cabins.SelectMany(c => c.Zones).Select(z => z.Id).ToList(),
            _ => topology.Devices.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The ids of the places an existing id lies in, by level (null where it lies in none, e.g. a station device's tunnel).</summary>
    private static Dictionary<RuleScopeLevel, string?> Place(AssetRegistry topology, RuleScopeLevel level, string id)
    {
        string? site = null, tunnel = null, cabin = null, zone = null;
        switch (level)
        {
            case RuleScopeLevel.Device when topology.TryGetDevice(id, out var device):
                (site, tunnel, cabin, zone) = (device.Location.SiteId, device.Location.TunnelId, device.Location.CabinId, device.Location.ZoneId);
                break;
            case RuleScopeLevel.Zone when topology.TryGetZone(id, out var fireZone):
                (zone, cabin) = (fireZone.Id, fireZone.CabinId);
                break;
            case RuleScopeLevel.Cabin:
                cabin = id;
                break;
            case RuleScopeLevel.Tunnel:
                tunnel = id;
                break;
            case RuleScopeLevel.Site:
                site = id;
                break;
            default:
                break;
        }

        if (cabin is not null && tunnel is null && topology.TryGetCabin(cabin, out var c))
        {
            tunnel = c.TunnelId;
        }

        if (tunnel is not null && site is null && topology.TryGetTunnel(tunnel, out var t))
        {
            site = t.SiteId;
        }

        return new()
        {
            [RuleScopeLevel.Site] = site,
            [RuleScopeLevel.Tunnel] = tunnel,
            [RuleScopeLevel.Cabin] = cabin,
            [RuleScopeLevel.Zone] = zone,
            [RuleScopeLevel.Device] = level == RuleScopeLevel.Device ? id : null,
        };
    }
}
