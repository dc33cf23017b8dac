using Lifeline.Domain.Assets;

namespace Lifeline.Alarms.Incidents;

/// <summary>Fire-zone adjacency and chainage from the asset registry, cached per zone (bounded by the registry). Not thread-safe.</summary>
internal sealed class ZoneTopology(AssetRegistry registry)
{
    private readonly Dictionary<string, ZoneInfo> _zones = new(StringComparer.Ordinal);

    /// <summary>The zone, or null when the registry does not know it.</summary>
    public ZoneInfo? Find(string zoneId)
    {
        if (_zones.TryGetValue(zoneId, out var info))
        {
            return info;
        }

        if (!registry.TryGetZone(zoneId, out var zone))
        {
            return null;
        }

        info = new ZoneInfo(zone.Index, zone.StartM, zone.EndM, registry.NeighboursOf(zoneId).Select(z => z.Id).ToArray());
        _zones[zoneId] = info;
        return info;
    }

    /// <summary>Whether two zones are the same or neighbours in one cabin.</summary>
    public bool SameOrAdjacent(string a, string b) =>
        string.Equals(a, b, StringComparison.Ordinal) || (Find(a) is { } info && info.Neighbours.Contains(b, StringComparer.Ordinal));
}
