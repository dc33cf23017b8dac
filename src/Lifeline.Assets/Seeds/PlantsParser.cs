using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads plants.yaml: the sewage treatment plants, their stations (process units) and devices.</summary>
internal static class PlantsParser
{
    /// <summary>The plant sites, and how many plants the file lists (null when the list itself is unreadable).</summary>
    public static (List<Site> Sites, int? Count) Parse(YamlReader reader, YamlNode root, CitySpec city, SensorTypeCatalog types, IdIndex sites, IdIndex devices)
    {
        var map = reader.Map(root, YamlPath.Root, ["plants"]);
        var items = map?.Sequence("plants");
        if (items is null)
        {
            return ([], null);
        }

        var result = new List<Site>();
        foreach (var item in items)
        {
            if (ParsePlant(reader, item, city, types, sites, devices) is { } site)
            {
                result.Add(site);
            }
        }

        return (result, items.Count);
    }

    private static Site? ParsePlant(YamlReader reader, YamlItem item, CitySpec city, SensorTypeCatalog types, IdIndex sites, IdIndex devices)
    {
        var map = reader.Map(item.Node, item.Path, ["id", "name", "name_zh", "stations"], ["illustrative", "status", "capacity_m3_d"]);
        if (map is null)
        {
            return null;
        }

        var (id, unique) = sites.ReadAndClaim(reader, map);
        var name = map.Text("name");
        var nameZh = map.Text("name_zh");
        var illustrative = map.Has("illustrative") ? map.Boolean("illustrative") : false;
        var ok = !map.Has("status") || map.Choice("status", SeedVocabulary.PlantStatuses) is not null;
        if (map.Has("capacity_m3_d") && map.Number("capacity_m3_d") is var capacity && capacity is not > 0)
        {
            if (capacity is not null)
            {
                map.Error("capacity_m3_d", $"must be > 0 (got {capacity})");
            }

            ok = false;
        }

        var stations = StationList.Parse(map, (stationItem, stationIds) => ParseStation(reader, stationItem, id ?? "?", nameZh ?? "?", city, types, stationIds, devices));
        ok &= stations is not null;

        if (!ok || !unique || id is null || name is null || nameZh is null || illustrative is null)
        {
            return null;
        }

        return new Site(id, name, nameZh, SiteKind.SewagePlant, illustrative.Value, [], stations!);
    }

    private static Station? ParseStation(YamlReader reader, YamlItem item, string siteId, string siteNameZh, CitySpec city, SensorTypeCatalog types, IdIndex stationIds, IdIndex devices)
    {
        var map = reader.Map(item.Node, item.Path, ["id", "name", "name_zh", "kind", "devices"]);
        if (map is null)
        {
            return null;
        }

        var (local, unique) = stationIds.ReadAndClaim(reader, map);
        var name = map.Text("name");
        var nameZh = map.Text("name_zh");
        var kind = map.Choice("kind", SeedVocabulary.PlantStationKinds);
        var stationId = $"{siteId}-{local}";
        var location = new AssetLocation
        {
            SiteId = siteId,
            SiteKind = SiteKind.SewagePlant,
            StationId = stationId,
            Description = $"{siteNameZh} · {nameZh} ({name})",
        };
        var stationDevices = DeviceParser.ParseAll(reader, map, location, city.DeviceInterval, types, devices);
        if (!unique || local is null || name is null || nameZh is null || kind is null || stationDevices is null)
        {
            return null;
        }

        return new Station(stationId, siteId, name, nameZh, kind.Value.Value, stationDevices);
    }
}
