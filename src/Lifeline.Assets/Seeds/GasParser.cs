using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads gas.yaml: the gas network site, its gate and regulator stations with pressure classes, and devices.</summary>
internal static class GasParser
{
    public static Site? Parse(YamlReader reader, YamlNode root, CitySpec city, SensorTypeCatalog types, IdIndex sites, IdIndex devices)
    {
        var map = reader.Map(root, YamlPath.Root, ["network", "stations"]);
        if (map is null)
        {
            return null;
        }

        var network = map.Map("network", ["id", "name", "name_zh"], ["illustrative"]);
        var id = network?.Name("id", SeedVocabulary.IdPattern(), SeedVocabulary.IdRule);
        var unique = id is not null && sites.Claim(reader, network!["id"], network.PathOf("id"), id);
        var name = network?.Text("name");
        var nameZh = network?.Text("name_zh");
        var illustrative = network is null ? null : network.Has("illustrative") ? network.Boolean("illustrative") : false;

        var stations = StationList.Parse(map, (item, stationIds) => ParseStation(reader, item, id ?? "?", nameZh ?? "?", city, types, stationIds, devices));
        var ok = stations is not null;

        if (!ok || !unique || id is null || name is null || nameZh is null || illustrative is null)
        {
            return null;
        }

        return new Site(id, name, nameZh, SiteKind.GasNetwork, illustrative.Value, [], stations!);
    }

    private static Station? ParseStation(YamlReader reader, YamlItem item, string siteId, string siteNameZh, CitySpec city, SensorTypeCatalog types, IdIndex stationIds, IdIndex devices)
    {
        var map = reader.Map(item.Node, item.Path, ["id", "name", "name_zh", "kind", "inlet_class", "outlet_class", "outlet_set_mpa", "devices"]);
        if (map is null)
        {
            return null;
        }

        var (local, unique) = stationIds.ReadAndClaim(reader, map);
        var name = map.Text("name");
        var nameZh = map.Text("name_zh");
        var kind = map.Choice("kind", SeedVocabulary.GasStationKinds);
        var inlet = map.Choice("inlet_class", SeedVocabulary.PressureClasses);
        var outlet = map.Choice("outlet_class", SeedVocabulary.PressureClasses);
        var set = map.Number("outlet_set_mpa");
        var pressuresOk = inlet is not null && outlet is not null && set is not null;
        if (inlet is { } i && outlet is { } o && o.Rank > i.Rank)
        {
            map.Error("outlet_class", $"the outlet class {o.Name} is above the inlet class {i.Name}: a station only reduces pressure");
            pressuresOk = false;
        }

        if (outlet is { } cls && set is { } mpa && !cls.Contains(mpa))
        {
            map.Error("outlet_set_mpa", $"{mpa} MPa lies outside the {cls.Name} class ({cls.Range}, GB 50028)");
            pressuresOk = false;
        }

        var stationId = $"{siteId}-{local}";
        var location = new AssetLocation
        {
            SiteId = siteId,
            SiteKind = SiteKind.GasNetwork,
            StationId = stationId,
            Description = inlet is { } from && outlet is { } to
                ? $"{siteNameZh} · {nameZh} ({kind?.Value} station, {from.Label} → {to.Label})"
                : $"{siteNameZh} · {nameZh}",
        };
        var stationDevices = DeviceParser.ParseAll(reader, map, location, city.DeviceInterval, types, devices);
        if (!unique || !pressuresOk || local is null || name is null || nameZh is null || kind is null || stationDevices is null)
        {
            return null;
        }

        return new Station(stationId, siteId, name, nameZh, kind.Value.Value, stationDevices);
    }
}
