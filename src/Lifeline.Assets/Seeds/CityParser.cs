using Lifeline.Assets.Yaml;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads city.yaml: id and names, the plan's totals, generation rules.</summary>
internal static class CityParser
{
    /// <summary>GB 50838: gas and power cabins are divided into fire zones of at most 200 m.</summary>
    public const double MaxZoneLengthM = 200;

    public static CitySpec Parse(YamlReader reader, YamlNode root)
    {
        var map = reader.Map(root, YamlPath.Root, ["id", "name", "name_zh", "plan", "generation"]);
        if (map is null)
        {
            return new CitySpec();
        }

        var plan = map.Map("plan", ["tunnel_projects", "trunk_km", "branch_km", "sewage_plants"]);
        var generation = map.Map("generation", ["zone_length_m"], ["device_interval"]);
        return new CitySpec
        {
            Id = map.Name("id", SeedVocabulary.IdPattern(), SeedVocabulary.IdRule),
            Name = map.Text("name"),
            NameZh = map.Text("name_zh"),
            TunnelProjects = Count(plan, "tunnel_projects"),
            TrunkKm = Positive(plan, "trunk_km"),
            BranchKm = Positive(plan, "branch_km"),
            SewagePlants = Count(plan, "sewage_plants"),
            ZoneLengthM = ZoneLength(generation),
            DeviceInterval = Interval(generation) ?? CitySpec.DefaultDeviceInterval,
        };
    }

    private static int? Count(YamlMap? map, string key)
    {
        if (map?.Integer(key) is not { } value)
        {
            return null;
        }

        if (value < 0)
        {
            map.Error(key, $"must be ≥ 0 (got {value})");
            return null;
        }

        return value;
    }

    private static double? Positive(YamlMap? map, string key)
    {
        if (map?.Number(key) is not { } value)
        {
            return null;
        }

        if (value <= 0)
        {
            map.Error(key, $"must be > 0 (got {value})");
            return null;
        }

        return value;
    }

    private static double? ZoneLength(YamlMap? generation)
    {
        if (generation?.Number("zone_length_m") is not { } value)
        {
            return null;
        }

        if (value <= 0 || value > MaxZoneLengthM)
        {
            generation.Error("zone_length_m", $"must be > 0 and ≤ {MaxZoneLengthM} (GB 50838 fire-zone length), got {value}");
            return null;
        }

        return value;
    }

    private static TimeSpan? Interval(YamlMap? generation)
    {
        if (generation?.Duration("device_interval") is not { } value)
        {
            return null;
        }

        if (value <= TimeSpan.Zero)
        {
            generation.Error("device_interval", "must be > 0");
            return null;
        }

        return value;
    }
}
