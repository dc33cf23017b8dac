using System.Text.RegularExpressions;
using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>The names the seed files may use, and the id patterns.</summary>
internal static partial class SeedVocabulary
{
    public const string IdRule = "id: use lower-case letters, digits and single dashes, e.g. yongchang-rd";

    public const string NameRule = "name: use lower-case letters, digits and underscores, starting with a letter, e.g. fan1_run";

    public const string RuleIdRule = "rule id: use lower-case letters, digits and underscores, in dot-separated parts, e.g. o2.low.l2";

    public static readonly Vocabulary<CabinType> CabinTypes = new(
        "cabin type",
        ("integrated", CabinType.Integrated),
        ("power", CabinType.Power),
        ("gas", CabinType.Gas),
        ("sewage", CabinType.Sewage),
        ("heat", CabinType.Heat));

    public static readonly Vocabulary<TunnelKind> TunnelKinds = new("tunnel kind", ("trunk", TunnelKind.Trunk), ("branch", TunnelKind.Branch));

    public static readonly Vocabulary<ChannelKind> ChannelKinds = new("kind", ("analog", ChannelKind.Analog), ("boolean", ChannelKind.Boolean));

    public static readonly Vocabulary<ThresholdDirection> Directions = new(
        "direction",
        ("high", ThresholdDirection.High),
        ("low", ThresholdDirection.Low),
        ("on_true", ThresholdDirection.OnTrue),
        ("on_false", ThresholdDirection.OnFalse));

    public static readonly Vocabulary<AlarmPriority> Priorities = new(
        "priority",
        ("critical", AlarmPriority.Critical),
        ("high", AlarmPriority.High),
        ("medium", AlarmPriority.Medium),
        ("low", AlarmPriority.Low));

    public static readonly Vocabulary<SiteKind> SiteKinds = new(
        "site kind",
        ("tunnel_project", SiteKind.TunnelProject),
        ("sewage_plant", SiteKind.SewagePlant),
        ("gas_network", SiteKind.GasNetwork));

    public static readonly Vocabulary<Word> Measurements = Words("measurement", "tunnel_env", "tunnel_equipment", "sewage", "gas");

    public static readonly Vocabulary<Word> PlantStationKinds =
        Words("station kind", "influent", "pretreatment", "aeration", "clarifier", "blower", "sludge", "effluent", "reuse");

    public static readonly Vocabulary<Word> PlantStatuses = Words("plant status", "operating", "planned", "under_construction");

    public static readonly Vocabulary<Word> GasStationKinds = Words("station kind", "gate", "regulator");

    public static readonly Vocabulary<PressureClass> PressureClasses = new(
        "pressure class",
        ("high_a", new PressureClass("high_a", "high-A", 6, 2.5, 4.0)),
        ("high_b", new PressureClass("high_b", "high-B", 5, 1.6, 2.5)),
        ("subhigh_a", new PressureClass("subhigh_a", "sub-high-A", 4, 0.8, 1.6)),
        ("subhigh_b", new PressureClass("subhigh_b", "sub-high-B", 3, 0.4, 0.8)),
        ("medium_a", new PressureClass("medium_a", "medium-A", 2, 0.2, 0.4)),
        ("medium_b", new PressureClass("medium_b", "medium-B", 1, 0.01, 0.2)),
        ("low", new PressureClass("low", "low", 0, 0, 0.01)));

    /// <summary>Site, station and device ids: lower-case, digits, single dashes; never a dot (sensor ids are <c>{device}.{channel}</c>).</summary>
    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    public static partial Regex IdPattern();

    /// <summary>Channel names, sensor type ids and alarm kinds: <c>fan1_run</c>, <c>o2</c>.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    public static partial Regex NamePattern();

    /// <summary>Rule ids: <c>o2.low.l2</c>.</summary>
    [GeneratedRegex(@"^[a-z0-9_]+(\.[a-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    public static partial Regex RuleIdPattern();

    public static string CabinName(CabinType type) => CabinTypes.NameOf(type);

    private static Vocabulary<Word> Words(string what, params string[] names) =>
        new(what, [.. names.Select(n => (n, new Word(n)))]);
}
