using System.Globalization;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Testing;

namespace Lifeline.Rules.Tests.Incidents;

/// <summary>
/// A tunnel with a gas and a sewage cabin of six 200 m fire zones each (one zone controller per zone, as the topology
/// generator builds them) and one plant analyser, plus the rules the incident tests raise.
/// </summary>
internal static class IncidentTestRegistry
{
    public const string SiteId = "inc-rd";
    public const string TunnelId = "inc-rd-trunk";
    public const string GasCabin = "inc-rd-trunk-gas";
    public const string SewageCabin = "inc-rd-trunk-sewage";
    public const string PlantDevice = "wwtp8-effluent-an1";
    public const int ZonesPerCabin = 6;

    public static readonly SensorType Comm = new("comm", "Communication", string.Empty, ChannelKind.Boolean, 0, 1, string.Empty);

    public static readonly Channel CommChannel = new("comm", Comm, 0, 1);

    public static ThresholdRule Ch4L1 { get; } = TestRegistry.Ch4HighL1;

    public static ThresholdRule Ch4L2 { get; } = new()
    {
        Id = "ch4.high.l2", SensorType = "ch4", Kind = "ch4_high", Direction = ThresholdDirection.High, Limit = 25,
        Priority = AlarmPriority.Critical, Deadband = 2, LifeSafety = true, CabinTypes = [CabinType.Gas, CabinType.Sewage],
        Message = "CH₄ ≥ 25 %LEL: shut-off valve",
    };

    public static ThresholdRule O2Low { get; } = TestRegistry.O2LowL2;

    public static ThresholdRule TempHigh { get; } = TestRegistry.TempHigh;

    public static ThresholdRule CodPre { get; } = new()
    {
        Id = "cod.high.pre", SensorType = "cod", Kind = "effluent_cod_high", Direction = ThresholdDirection.High, Limit = 40,
        Priority = AlarmPriority.Medium, Deadband = 2, SiteKinds = [SiteKind.SewagePlant], Message = "Effluent COD ≥ 40 mg/L",
    };

    public static ThresholdRule CodHigh { get; } = new()
    {
        Id = "cod.high", SensorType = "cod", Kind = "effluent_cod_high", Direction = ThresholdDirection.High, Limit = 50,
        Priority = AlarmPriority.High, Deadband = 2, SiteKinds = [SiteKind.SewagePlant], Message = "Effluent COD ≥ 50 mg/L",
    };

    /// <summary>As the server's comm-loss rule: id <c>device.comm-loss</c>.</summary>
    public static ThresholdRule CommLoss { get; } = new()
    {
        Id = "device.comm-loss", SensorType = "comm", Kind = "comm loss", Direction = ThresholdDirection.OnFalse,
        Priority = AlarmPriority.High, Message = "Device not communicating",
    };

    public static string Zone(string cabin, int index) => $"{cabin}-z{index:D3}";

    public static string Device(string cabin, int index) => $"{Zone(cabin, index)}-ctl";

    public static string Gas(int index) => Device(GasCabin, index);

    public static string Sewage(int index) => Device(SewageCabin, index);

    public static AssetRegistry Create()
    {
        var types = new[] { TestRegistry.O2, TestRegistry.Ch4, TestRegistry.Temp, TestRegistry.Cod }.ToDictionary(t => t.Id);
        var cabins = new[] { (GasCabin, CabinType.Gas, "gas"), (SewageCabin, CabinType.Sewage, "sewage") }
            .Select(c => new Cabin(c.Item1, TunnelId, c.Item2, Enumerable.Range(1, ZonesPerCabin).Select(i => CreateZone(c.Item1, c.Item2, c.Item3, i)).ToList()))
            .ToList();
        var tunnel = new Tunnel(TunnelId, SiteId, "Inc Rd trunk", "测试路干线综合管廊", TunnelKind.Trunk, ZonesPerCabin * 200, cabins);
        var plantLocation = new AssetLocation { SiteId = "wwtp8", SiteKind = SiteKind.SewagePlant, StationId = "wwtp8-effluent", Description = "Plant 8 · effluent" };
        var plant = new Device(PlantDevice, "analyser", plantLocation, Channels(TestRegistry.Cod), TimeSpan.FromSeconds(60));
        var sites = new List<Site>
        {
            new(SiteId, "Inc Rd", "测试路", SiteKind.TunnelProject, true, [tunnel], []),
            new("wwtp8", "Plant 8", "第八污水处理厂", SiteKind.SewagePlant, true, [], [new Station("wwtp8-effluent", "wwtp8", "Effluent", "出水", "effluent", [plant])]),
        };
        return new AssetRegistry("test", sites, types, [Ch4L1, Ch4L2, O2Low, TempHigh, CodPre, CodHigh]);
    }

    private static FireZone CreateZone(string cabin, CabinType type, string cabinName, int index)
    {
        var zone = Zone(cabin, index);
        var (start, end) = ((index - 1) * 200.0, index * 200.0);
        var location = new AssetLocation
        {
            SiteId = SiteId, SiteKind = SiteKind.TunnelProject, TunnelId = TunnelId, CabinId = cabin, CabinType = type, ZoneId = zone,
            ZoneIndex = index, ChainageStartM = start, ChainageEndM = end,
            Description = $"Inc Rd trunk · {cabinName} cabin · zone {index} ({Chainage(start)}–{Chainage(end)})",
        };
        var device = new Device($"{zone}-ctl", "zone-controller", location, Channels(TestRegistry.O2, TestRegistry.Ch4, TestRegistry.Temp), TimeSpan.FromSeconds(1));
        return new FireZone(zone, cabin, index, start, end, [device]);
    }

    private static string Chainage(double metres) =>
        string.Create(CultureInfo.InvariantCulture, $"K{Math.Floor(metres / 1000)}+{metres % 1000:000}");

    private static List<Channel> Channels(params SensorType[] types) => types.Select(t => new Channel(t.Id, t, t.Min, t.Max)).ToList();
}
