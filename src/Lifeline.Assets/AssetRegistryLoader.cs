using System.Collections.ObjectModel;
using Lifeline.Assets.Seeds;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets;

/// <summary>Loads a city's seed directory (YAML) into a validated <see cref="AssetRegistry"/>.</summary>
public static class AssetRegistryLoader
{
    public const string CityFile = "city.yaml";
    public const string SensorTypesFile = "sensor-types.yaml";
    public const string KitsFile = "kits.yaml";
    public const string TunnelsFile = "tunnels.yaml";
    public const string PlantsFile = "plants.yaml";
    public const string GasFile = "gas.yaml";
    public const string RulesFile = "rules.yaml";

    /// <summary>Tolerance (floating-point noise only) when comparing summed tunnel lengths with the plan's kilometres.</summary>
    private const double LengthToleranceM = 0.001;

    /// <summary>
    /// Loads and validates every file of a city directory (e.g. "seeds/baoshan"); generates the full topology.
    /// </summary>
    /// <exception cref="AssetRegistryException">With every error found, each as <c>&lt;file&gt;: &lt;yaml path&gt;: &lt;reason&gt;</c>.</exception>
    public static AssetRegistry Load(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new AssetRegistryException([$"{directory}: directory not found"]);
        }

        var errors = new ErrorList();
        var city = Read(directory, CityFile, errors, CityParser.Parse) ?? new CitySpec();

        var types = Read(directory, SensorTypesFile, errors, SensorTypesParser.Parse) ?? new SensorTypeCatalog { Usable = false };
        var kits = Read(directory, KitsFile, errors, (reader, root) => KitsParser.Parse(reader, root, types)) ?? new KitCatalog { Usable = false };

        var sites = new IdIndex("site");
        var devices = new IdIndex("device");
        var tunnels = Read(directory, TunnelsFile, errors, (reader, root) =>
        {
            var result = TunnelsParser.Parse(reader, root, city, kits, sites, devices);
            CheckPlanTotals(reader, city, result);
            return result;
        });

        var plants = Read(directory, PlantsFile, errors, (reader, root) =>
        {
            var (plantSites, count) = PlantsParser.Parse(reader, root, city, types, sites, devices);
            if (count is { } n && city.SewagePlants is { } planned && n != planned)
            {
                reader.Error(null, "plants", $"{n} plants listed, but {CityFile} plan.sewage_plants is {planned}");
            }

            return plantSites;
        });

        var gas = Read(directory, GasFile, errors, (reader, root) => GasParser.Parse(reader, root, city, types, sites, devices));

        // The override scopes are checked against the topology only when it loaded without errors (no cascade).
        var sensorTypes = new ReadOnlyDictionary<string, SensorType>(types.Types.ToDictionary(StringComparer.Ordinal));
        var topology = errors.Count == 0 ? new AssetRegistry(city.Id!, [.. tunnels!.Sites, .. plants!, gas!], sensorTypes, RuleSet.Empty) : null;
        var rules = Read(directory, RulesFile, errors, (reader, root) => ParseRules(reader, root, types, topology));

        if (errors.Count > 0)
        {
            throw new AssetRegistryException(errors.Items.ToList());
        }

        return new AssetRegistry(topology!.City, topology.Sites, sensorTypes, rules!);
    }

    /// <summary>
    /// Reads rules.yaml of <paramref name="directory"/> again (rules and overrides) and checks it against the sensor
    /// types and topology of <paramref name="registry"/>, which are not re-read: this is the reload of the rules
    /// without a restart.
    /// </summary>
    /// <exception cref="AssetRegistryException">With every error found in rules.yaml, in the format of <see cref="Load"/>.</exception>
    public static RuleSet LoadRules(string directory, AssetRegistry registry)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(registry);
        var errors = new ErrorList();
        var types = SensorTypeCatalog.From(registry.SensorTypes);
        var rules = Read(directory, RulesFile, errors, (reader, root) => ParseRules(reader, root, types, registry));
        if (errors.Count > 0)
        {
            throw new AssetRegistryException(errors.Items.ToList());
        }

        return rules!;
    }

    private static RuleSet ParseRules(YamlReader reader, YamlNode root, SensorTypeCatalog types, AssetRegistry? topology)
    {
        var result = RulesParser.Parse(reader, root, types);
        var overrides = topology is null ? [] : OverrideScopeChecker.Check(reader, result.Overrides, topology);
        return new RuleSet(result.Rules, overrides);
    }

    private static T? Read<T>(string directory, string name, ErrorList errors, Func<YamlReader, YamlNode, T?> parse)
        where T : class
    {
        var file = Path.Combine(directory, name);
        var root = YamlSource.Load(file, errors);
        return root is null ? null : parse(new YamlReader(file, errors), root);
    }

    private static void CheckPlanTotals(YamlReader reader, CitySpec city, TunnelsResult result)
    {
        if (!result.Complete)
        {
            return;
        }

        if (city.TunnelProjects is { } planned && result.ProjectCount != planned)
        {
            reader.Error(null, "projects", $"{result.ProjectCount} projects listed, but {CityFile} plan.tunnel_projects is {planned}");
        }

        CheckLength(reader, "trunk", "trunk_km", result.TrunkM, city.TrunkKm);
        CheckLength(reader, "branch", "branch_km", result.BranchM, city.BranchKm);
    }

    private static void CheckLength(YamlReader reader, string kind, string key, double sumM, double? plannedKm)
    {
        if (plannedKm is not { } km)
        {
            return;
        }

        var plannedM = Math.Round(km * 1000, 3);
        var difference = Math.Round(sumM - plannedM, 3);
        if (Math.Abs(difference) <= LengthToleranceM)
        {
            return;
        }

        var delta = difference > 0 ? $"{difference} m too much" : $"{-difference} m short";
        reader.Error(null, "projects", $"{kind} tunnels add up to {Math.Round(sumM, 3)} m, but {CityFile} plan.{key} is {km} km ({plannedM} m): {delta}");
    }
}
