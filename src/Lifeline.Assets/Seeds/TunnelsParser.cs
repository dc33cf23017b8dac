using Lifeline.Assets.Generation;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads tunnels.yaml (the pilot projects) and generates their zones and zone controllers.</summary>
internal static class TunnelsParser
{
    public static TunnelsResult Parse(YamlReader reader, YamlNode root, CitySpec city, KitCatalog kits, IdIndex sites, IdIndex devices)
    {
        var map = reader.Map(root, YamlPath.Root, ["projects"]);
        var items = map?.Sequence("projects");
        if (items is null)
        {
            return new TunnelsResult([], 0, 0, 0, Complete: false);
        }

        var result = new List<Site>();
        var complete = true;
        double trunk = 0;
        double branch = 0;
        foreach (var item in items)
        {
            var project = ParseProject(reader, item, city, kits, sites);
            if (project is null)
            {
                complete = false;
                continue;
            }

            trunk += project.Tunnels.Where(t => t.Kind == TunnelKind.Trunk).Sum(t => t.LengthM);
            branch += project.Tunnels.Where(t => t.Kind == TunnelKind.Branch).Sum(t => t.LengthM);
            if (city.ZoneLengthM is { } zoneLength && project.Tunnels.All(t => t.Cabins.All(c => kits.TryGet(c, out _))))
            {
                var site = TopologyGenerator.Generate(project, zoneLength, city.DeviceInterval, c => kits.TryGet(c, out var kit) ? kit : throw new InvalidOperationException());
                ClaimDevices(reader, item.Path, site, devices);
                result.Add(site);
            }
        }

        return new TunnelsResult(result, items.Count, trunk, branch, complete);
    }

    private static ProjectSpec? ParseProject(YamlReader reader, YamlItem item, CitySpec city, KitCatalog kits, IdIndex sites)
    {
        var map = reader.Map(item.Node, item.Path, ["id", "name", "name_zh", "tunnels"], ["illustrative"]);
        if (map is null)
        {
            return null;
        }

        var (id, unique) = sites.ReadAndClaim(reader, map);
        var name = map.Text("name");
        var nameZh = map.Text("name_zh");
        var illustrative = map.Has("illustrative") ? map.Boolean("illustrative") : false;
        var tunnelItems = map.Sequence("tunnels");
        if (tunnelItems is { Count: 0 })
        {
            map.Error("tunnels", "must list at least one tunnel");
            tunnelItems = null;
        }

        var tunnels = new List<TunnelSpec>();
        var ok = tunnelItems is not null;
        string? trunkPath = null;
        var branches = 0;
        foreach (var tunnelItem in tunnelItems ?? [])
        {
            var tunnel = ParseTunnel(reader, tunnelItem, city, kits);
            if (tunnel is null)
            {
                ok = false;
                continue;
            }

            if (tunnel.Kind == TunnelKind.Trunk)
            {
                if (trunkPath is not null)
                {
                    reader.Error(
                        (tunnelItem.Node as YamlMappingNode)?.Children[new YamlScalarNode("kind")],
                        YamlPath.Key(tunnelItem.Path, "kind"),
                        $"duplicate tunnel id '{id}-trunk' (first used at {trunkPath}): a project has at most one trunk tunnel");
                    ok = false;
                    continue;
                }

                trunkPath = tunnelItem.Path;
                tunnels.Add(tunnel);
            }
            else
            {
                branches++;
                tunnels.Add(tunnel with { Number = branches });
            }
        }

        if (!ok || !unique || id is null || name is null || nameZh is null || illustrative is null)
        {
            return null;
        }

        return new ProjectSpec(id, name, nameZh, illustrative.Value, tunnels);
    }

    private static TunnelSpec? ParseTunnel(YamlReader reader, YamlItem item, CitySpec city, KitCatalog kits)
    {
        var map = reader.Map(item.Node, item.Path, ["kind", "length_m", "cabins"]);
        if (map is null)
        {
            return null;
        }

        var kind = map.Choice("kind", SeedVocabulary.TunnelKinds);
        var length = map.Number("length_m");
        if (length is <= 0)
        {
            map.Error("length_m", $"must be > 0 (got {length})");
            length = null;
        }
        else if (length is { } l && city.ZoneLengthM is { } zone && TopologyGenerator.ZoneCount(l, zone) > TopologyGenerator.MaxZonesPerCabin)
        {
            map.Error("length_m", $"{l} m makes {TopologyGenerator.ZoneCount(l, zone)} zones of ≤ {zone} m; zone ids allow at most {TopologyGenerator.MaxZonesPerCabin} per cabin");
            length = null;
        }

        var cabins = map.Choices("cabins", SeedVocabulary.CabinTypes);
        if (cabins is { Count: 0 })
        {
            map.Error("cabins", "must list at least one cabin type");
            cabins = null;
        }

        var cabinsOk = cabins is not null;
        for (var i = 0; cabins is not null && i < cabins.Count; i++)
        {
            if (!kits.TryGet(cabins[i], out _) && !kits.IsBroken(cabins[i]))
            {
                var path = YamlPath.Index(map.PathOf("cabins"), i);
                var node = ((YamlSequenceNode)map["cabins"]!).Children[i];
                reader.Error(node, path, $"no kit for cabin type '{SeedVocabulary.CabinName(cabins[i])}' in kits.yaml");
                cabinsOk = false;
            }
        }

        if (kind is null || length is null || cabins is null || !cabinsOk)
        {
            return null;
        }

        return new TunnelSpec(kind.Value, 0, length.Value, cabins);
    }

    private static void ClaimDevices(YamlReader reader, string projectPath, Site site, IdIndex devices)
    {
        for (var t = 0; t < site.Tunnels.Count; t++)
        {
            var where = $"{YamlPath.Index(YamlPath.Key(projectPath, "tunnels"), t)} (generated zone controller)";
            foreach (var device in site.Tunnels[t].Cabins.SelectMany(c => c.Zones).SelectMany(z => z.Devices))
            {
                devices.Claim(reader, null, where, device.Id, where);
            }
        }
    }
}
