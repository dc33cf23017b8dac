using Lifeline.Assets.Seeds;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Generation;

/// <summary>
/// Cuts every cabin of a project's tunnels into fire zones and places one zone controller per zone.
/// Deterministic: the same files always give the same ids, in the same order.
/// </summary>
/// <remarks>
/// Ids: site <c>{project}</c>; tunnel <c>{site}-trunk</c> / <c>{site}-branch{n}</c>; cabin <c>{tunnel}-{cabin type}</c>;
/// zone <c>{cabin}-z{NNN}</c> (1-based, 3 digits); device <c>{zone}-ctl</c>.
/// </remarks>
internal static class TopologyGenerator
{
    /// <summary>Zone numbers have three digits.</summary>
    public const int MaxZonesPerCabin = 999;

    public static string TunnelId(string siteId, TunnelSpec tunnel) =>
        tunnel.Kind == TunnelKind.Trunk ? $"{siteId}-trunk" : $"{siteId}-branch{tunnel.Number}";

    public static string CabinId(string tunnelId, CabinType type) => $"{tunnelId}-{SeedVocabulary.CabinName(type)}";

    public static string ZoneId(string cabinId, int index) => $"{cabinId}-z{index:D3}";

    public static string DeviceId(string zoneId) => $"{zoneId}-ctl";

    public static int ZoneCount(double lengthM, double zoneLengthM) => (int)Math.Ceiling(lengthM / zoneLengthM);

    public static Site Generate(ProjectSpec project, double zoneLengthM, TimeSpan defaultInterval, Func<CabinType, KitSpec> kitOf)
    {
        var tunnels = project.Tunnels
            .Select(t => GenerateTunnel(project, t, zoneLengthM, defaultInterval, kitOf))
            .ToList();
        return new Site(project.Id, project.Name, project.NameZh, SiteKind.TunnelProject, project.Illustrative, tunnels, []);
    }

    private static Tunnel GenerateTunnel(ProjectSpec project, TunnelSpec spec, double zoneLengthM, TimeSpan defaultInterval, Func<CabinType, KitSpec> kitOf)
    {
        var tunnelId = TunnelId(project.Id, spec);
        var (label, name, nameZh) = spec.Kind == TunnelKind.Trunk
            ? ($"{project.NameZh} trunk", $"{project.Name} trunk", $"{project.NameZh}干线综合管廊")
            : ($"{project.NameZh} branch {spec.Number}", $"{project.Name} branch {spec.Number}", $"{project.NameZh}支线综合管廊{spec.Number}");
        var cabins = spec.Cabins
            .Select(type => GenerateCabin(project.Id, tunnelId, label, type, spec.LengthM, zoneLengthM, defaultInterval, kitOf(type)))
            .ToList();
        return new Tunnel(tunnelId, project.Id, name, nameZh, spec.Kind, spec.LengthM, cabins);
    }

    private static Cabin GenerateCabin(string siteId, string tunnelId, string tunnelLabel, CabinType type, double lengthM, double zoneLengthM, TimeSpan defaultInterval, KitSpec kit)
    {
        var cabinId = CabinId(tunnelId, type);
        var cabinName = SeedVocabulary.CabinName(type);
        var count = ZoneCount(lengthM, zoneLengthM);
        var zones = new List<FireZone>(count);
        for (var index = 1; index <= count; index++)
        {
            var start = (index - 1) * zoneLengthM;
            var end = Math.Min(index * zoneLengthM, lengthM);
            var zoneId = ZoneId(cabinId, index);
            var location = new AssetLocation
            {
                SiteId = siteId,
                SiteKind = SiteKind.TunnelProject,
                TunnelId = tunnelId,
                CabinId = cabinId,
                CabinType = type,
                ZoneId = zoneId,
                ZoneIndex = index,
                ChainageStartM = start,
                ChainageEndM = end,
                Description = $"{tunnelLabel} · {cabinName} cabin · zone {index} ({Chainage.Format(start)}–{Chainage.Format(end)})",
            };
            var device = new Device(DeviceId(zoneId), kit.Model, location, kit.Channels, kit.Interval ?? defaultInterval);
            zones.Add(new FireZone(zoneId, cabinId, index, start, end, [device]));
        }

        return new Cabin(cabinId, tunnelId, type, zones);
    }
}
