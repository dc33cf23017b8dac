using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Testing;

/// <summary>A small hand-built registry for unit tests: one tunnel site with a gas cabin of three zones, one plant.</summary>
public static class TestRegistry
{
    public const string Site = "test-rd";
    public const string GasZone1Device = "test-rd-trunk-gas-z001-ctl";
    public const string GasZone2Device = "test-rd-trunk-gas-z002-ctl";
    public const string PlantDevice = "wwtp9-effluent-an1";

    public static readonly SensorType O2 = new("o2", "Oxygen", "%vol", ChannelKind.Analog, 0, 25, "tunnel_env");
    public static readonly SensorType Ch4 = new("ch4", "Methane", "%LEL", ChannelKind.Analog, 0, 100, "tunnel_env");
    public static readonly SensorType Temp = new("temp", "Temperature", "°C", ChannelKind.Analog, -20, 80, "tunnel_env");
    public static readonly SensorType Intrusion = new("intrusion", "Intrusion", string.Empty, ChannelKind.Boolean, 0, 1, "tunnel_equipment");
    public static readonly SensorType Cod = new("cod", "COD", "mg/L", ChannelKind.Analog, 0, 1000, "sewage");

    public static ThresholdRule O2LowL2 { get; } = new()
    {
        Id = "o2.low.l2", SensorType = "o2", Kind = "o2_low", Direction = ThresholdDirection.Low, Limit = 18,
        Priority = AlarmPriority.Critical, Deadband = 0.3, LifeSafety = true, Message = "O₂ below 18 %vol: no entry",
    };

    public static ThresholdRule Ch4HighL1 { get; } = new()
    {
        Id = "ch4.high.l1", SensorType = "ch4", Kind = "ch4_high", Direction = ThresholdDirection.High, Limit = 20,
        Priority = AlarmPriority.High, Deadband = 2, LifeSafety = true, CabinTypes = [CabinType.Gas, CabinType.Sewage],
        Message = "CH₄ ≥ 20 %LEL: accident ventilation",
    };

    public static ThresholdRule TempHigh { get; } = new()
    {
        Id = "temp.high", SensorType = "temp", Kind = "temp_high", Direction = ThresholdDirection.High, Limit = 40,
        Priority = AlarmPriority.Medium, Deadband = 1, OnDelay = TimeSpan.FromSeconds(60), OffDelay = TimeSpan.FromSeconds(60),
        Message = "Cabin above 40 °C: exhaust fans",
    };

    public static ThresholdRule IntrusionRule { get; } = new()
    {
        Id = "intrusion", SensorType = "intrusion", Kind = "intrusion", Direction = ThresholdDirection.OnTrue,
        Priority = AlarmPriority.High, LifeSafety = true, Message = "Intrusion at a hatch",
    };

    public static ThresholdRule CodHigh { get; } = new()
    {
        Id = "cod.high", SensorType = "cod", Kind = "cod_high", Direction = ThresholdDirection.High, Limit = 50,
        Priority = AlarmPriority.Medium, Deadband = 2, SiteKinds = [SiteKind.SewagePlant], Message = "Effluent COD above 1A",
    };

    public static AssetRegistry Create(params ThresholdRule[] rules)
    {
        var types = new[] { O2, Ch4, Temp, Intrusion, Cod }.ToDictionary(t => t.Id);
        var zones = Enumerable.Range(1, 3).Select(i =>
        {
            var zoneId = $"test-rd-trunk-gas-z{i:D3}";
            var location = new AssetLocation
            {
                SiteId = Site, SiteKind = SiteKind.TunnelProject, TunnelId = "test-rd-trunk", CabinId = "test-rd-trunk-gas",
                CabinType = CabinType.Gas, ZoneId = zoneId, ZoneIndex = i, ChainageStartM = (i - 1) * 200, ChainageEndM = i * 200,
                Description = $"Test Rd trunk · gas cabin · zone {i}",
            };
            var device = new Device($"{zoneId}-ctl", "zone-controller", location, Channels(O2, Ch4, Temp, Intrusion), TimeSpan.FromSeconds(1));
            return new FireZone(zoneId, "test-rd-trunk-gas", i, (i - 1) * 200, i * 200, [device]);
        }).ToList();
        var cabin = new Cabin("test-rd-trunk-gas", "test-rd-trunk", CabinType.Gas, zones);
        var tunnel = new Tunnel("test-rd-trunk", Site, "Test Rd", "测试路", TunnelKind.Trunk, 600, [cabin]);
        var plantLocation = new AssetLocation { SiteId = "wwtp9", SiteKind = SiteKind.SewagePlant, StationId = "wwtp9-effluent", Description = "Plant 9 · effluent" };
        var plantDevice = new Device(PlantDevice, "analyser", plantLocation, Channels(Cod), TimeSpan.FromSeconds(60));
        var sites = new List<Site>
        {
            new(Site, "Test Rd", "测试路", SiteKind.TunnelProject, true, [tunnel], []),
            new("wwtp9", "Plant 9", "第九污水处理厂", SiteKind.SewagePlant, true, [], [new Station("wwtp9-effluent", "wwtp9", "Effluent", "出水", "effluent", [plantDevice])]),
        };
        return new AssetRegistry("test", sites, types, rules.Length > 0 ? rules : [O2LowL2, Ch4HighL1, TempHigh, IntrusionRule, CodHigh]);
    }

    private static List<Channel> Channels(params SensorType[] types) => types.Select(t => new Channel(t.Id, t, t.Min, t.Max)).ToList();
}
