using Lifeline.Domain.Assets;

namespace Lifeline.Server.Endpoints;

/// <summary>JSON of <c>GET /api/assets</c>: the registry as a tree (sites → tunnels → cabins → zones → devices → channels).</summary>
public static class AssetTree
{
    public static object From(AssetRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new
        {
            city = registry.City,
            deviceCount = registry.DeviceCount,
            sites = registry.Sites.Select(site => new
            {
                site.Id,
                site.Name,
                site.NameZh,
                Kind = site.Kind.ToString(),
                site.Illustrative,
                Tunnels = site.Tunnels.Select(t => new
                {
                    t.Id,
                    t.Name,
                    t.NameZh,
                    Kind = t.Kind.ToString(),
                    t.LengthM,
                    Cabins = t.Cabins.Select(c => new
                    {
                        c.Id,
                        Type = c.Type.ToString(),
                        Zones = c.Zones.Select(z => new { z.Id, z.Index, z.StartM, z.EndM, Devices = z.Devices.Select(DeviceNode) }),
                    }),
                }),
                Stations = site.Stations.Select(st => new { st.Id, st.Name, st.NameZh, st.Kind, Devices = st.Devices.Select(DeviceNode) }),
            }),
        };
    }

    private static object DeviceNode(Device d) => new
    {
        d.Id,
        d.Model,
        Location = d.Location.Description,
        Channels = d.Channels.Select(c => new { c.Name, Type = c.Type.Id, c.Unit, Kind = c.Kind.ToString(), c.Min, c.Max }),
    };
}
