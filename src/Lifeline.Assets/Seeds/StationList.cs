using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>The <c>stations</c> list of a plant or of the gas network: at least one, each parsed by the caller's rule.</summary>
internal static class StationList
{
    /// <summary>The parsed stations, or null when the list is missing, empty or any station has errors.</summary>
    public static List<Station>? Parse(YamlMap map, Func<YamlItem, IdIndex, Station?> parseStation)
    {
        var items = map.Sequence("stations");
        if (items is { Count: 0 })
        {
            map.Error("stations", "must list at least one station");
            return null;
        }

        if (items is null)
        {
            return null;
        }

        var stations = new List<Station>();
        var ok = true;
        var stationIds = new IdIndex("station");
        foreach (var item in items)
        {
            if (parseStation(item, stationIds) is { } station)
            {
                stations.Add(station);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? stations : null;
    }
}
