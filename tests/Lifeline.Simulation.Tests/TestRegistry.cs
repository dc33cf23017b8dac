using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Tests;

/// <summary>A small hand-built registry: one tunnel (gas cabin of 5 zones, power cabin of 2), a plant effluent station and a gas regulator.</summary>
internal static class TestRegistry
{
    public static readonly SensorType O2 = new("o2", "Oxygen", "%vol", ChannelKind.Analog, 0, 25, "tunnel_env");
    public static readonly SensorType Ch4 = new("ch4", "Methane", "%LEL", ChannelKind.Analog, 0, 100, "tunnel_env");
    public static readonly SensorType Temp = new("temp", "Temperature", "°C", ChannelKind.Analog, -20, 80, "tunnel_env");
    public static readonly SensorType Rh = new("rh", "Humidity", "%", ChannelKind.Analog, 0, 100, "tunnel_env");
    public static readonly SensorType Level = new("level", "Sump level", "m", ChannelKind.Analog, 0, 3, "tunnel_env");
    public static readonly SensorType Run = new("run_feedback", "Run feedback", string.Empty, ChannelKind.Boolean, 0, 1, "tunnel_equipment");
    public static readonly SensorType Intrusion = new("intrusion", "Intrusion", string.Empty, ChannelKind.Boolean, 0, 1, "tunnel_equipment");
    public static readonly SensorType Cod = new("cod", "Effluent COD", "mg/L", ChannelKind.Analog, 0, 500, "sewage");
    public static readonly SensorType Nh3n = new("nh3n", "Effluent NH3-N", "mg/L", ChannelKind.Analog, 0, 100, "sewage");
    public static readonly SensorType Tp = new("tp", "Effluent TP", "mg/L", ChannelKind.Analog, 0, 20, "sewage");
    public static readonly SensorType Ph = new("ph", "pH", "pH", ChannelKind.Analog, 0, 14, "sewage");
    public static readonly SensorType Flow = new("flow", "Flow", "m³/h", ChannelKind.Analog, 0, 10000, "sewage");
    public static readonly SensorType Pressure = new("pressure", "Inlet pressure", "MPa", ChannelKind.Analog, 0, 4, "gas");
    public static readonly SensorType OutletMb = new("outlet_pressure_mb", "Outlet pressure MB", "MPa", ChannelKind.Analog, 0, 0.4, "gas");
    public static readonly SensorType Lel = new("lel", "Combustible gas", "%LEL", ChannelKind.Analog, 0, 100, "gas");

    public const string Site = "yongchang-rd";
    public const string Tunnel = "yongchang-rd-trunk";
    public const string GasCabin = "yongchang-rd-trunk-gas";
    public const string PowerCabin = "yongchang-rd-trunk-power";

    public static string GasZone(int index) => $"{GasCabin}-z{index:000}";

    public static string GasController(int index) => $"{GasZone(index)}-ctl";

    public static string PowerController(int index) => $"{PowerCabin}-z{index:000}-ctl";

    public static AssetRegistry Create()
    {
        var gasZones = Enumerable.Range(1, 5).Select(i => Zone(GasCabin, CabinType.Gas, i, withGas: true)).ToList();
        var powerZones = Enumerable.Range(1, 2).Select(i => Zone(PowerCabin, CabinType.Power, i, withGas: false)).ToList();
        var tunnel = new Tunnel(Tunnel, Site, "Yongchang Road trunk", "永昌路干线", TunnelKind.Trunk, 1000,
            [new Cabin(GasCabin, Tunnel, CabinType.Gas, gasZones), new Cabin(PowerCabin, Tunnel, CabinType.Power, powerZones)]);
        var yongchang = new Site(Site, "Yongchang Road", "永昌路", SiteKind.TunnelProject, false, [tunnel], []);

        var effluent = new Device("wwtp1-effluent-ana", "analyser", new AssetLocation
        {
            SiteId = "wwtp1",
            SiteKind = SiteKind.SewagePlant,
            StationId = "wwtp1-effluent",
            Description = "wwtp1 effluent",
        }, [Ch("flow", Flow), Ch("cod", Cod), Ch("nh3n", Nh3n), Ch("tp", Tp), Ch("ph", Ph)], TimeSpan.FromSeconds(1));
        var plant = new Site("wwtp1", "Plant 1", "第一污水处理厂", SiteKind.SewagePlant, true, [],
            [new Station("wwtp1-effluent", "wwtp1", "Effluent", "出水", "effluent", [effluent])]);

        var regulator = new Device("gas-reg-a-rtu", "rtu-regulator", new AssetLocation
        {
            SiteId = "gas",
            SiteKind = SiteKind.GasNetwork,
            StationId = "gas-reg-a",
            Description = "regulator A",
        }, [Ch("p_in", Pressure), Ch("p_out", OutletMb), Ch("lel", Lel)], TimeSpan.FromSeconds(1));
        var gas = new Site("gas", "Gas network", "燃气管网", SiteKind.GasNetwork, true, [],
            [new Station("gas-reg-a", "gas", "Regulator A", "调压站", "regulator", [regulator])]);

        var types = new[] { O2, Ch4, Temp, Rh, Level, Run, Intrusion, Cod, Nh3n, Tp, Ph, Flow, Pressure, OutletMb, Lel }.ToDictionary(t => t.Id);
        return new AssetRegistry("baoshan", [yongchang, plant, gas], types, Rules());
    }

    private static FireZone Zone(string cabinId, CabinType cabinType, int index, bool withGas)
    {
        var zoneId = $"{cabinId}-z{index:000}";
        var channels = new List<Channel> { Ch("temp", Temp), Ch("rh", Rh), Ch("level", Level), Ch("o2", O2) };
        if (withGas)
        {
            channels.Add(Ch("ch4", Ch4));
        }

        channels.AddRange([Ch("fan1_run", Run), Ch("fan2_run", Run), Ch("pump1_run", Run), Ch("pump2_run", Run), Ch("intrusion", Intrusion)]);
        var device = new Device($"{zoneId}-ctl", "zc", new AssetLocation
        {
            SiteId = Site,
            SiteKind = SiteKind.TunnelProject,
            TunnelId = Tunnel,
            CabinId = cabinId,
            CabinType = cabinType,
            ZoneId = zoneId,
            ZoneIndex = index,
            ChainageStartM = (index - 1) * 200,
            ChainageEndM = index * 200,
            Description = zoneId,
        }, channels, TimeSpan.FromSeconds(1));
        return new FireZone(zoneId, cabinId, index, (index - 1) * 200, index * 200, [device]);
    }

    private static Channel Ch(string name, SensorType type) => new(name, type, type.Min, type.Max);

    private static List<ThresholdRule> Rules() =>
    [
        Rule("o2.low.l1", "o2", ThresholdDirection.Low, 19.5),
        Rule("o2.low.l2", "o2", ThresholdDirection.Low, 18),
        Rule("o2.high", "o2", ThresholdDirection.High, 22),
        Rule("ch4.high.l1", "ch4", ThresholdDirection.High, 20) with { CabinTypes = [CabinType.Gas, CabinType.Sewage] },
        Rule("ch4.high.l2", "ch4", ThresholdDirection.High, 25) with { CabinTypes = [CabinType.Gas, CabinType.Sewage] },
        Rule("temp.high", "temp", ThresholdDirection.High, 40),
        Rule("temp.low", "temp", ThresholdDirection.Low, 5),
        Rule("rh.high", "rh", ThresholdDirection.High, 90),
        Rule("level.high", "level", ThresholdDirection.High, 1.5),
        Rule("level.highhigh", "level", ThresholdDirection.High, 2.2),
        Rule("cod.high", "cod", ThresholdDirection.High, 50),
        Rule("nh3n.high", "nh3n", ThresholdDirection.High, 5),
        Rule("tp.high", "tp", ThresholdDirection.High, 0.5),
        Rule("ph.low", "ph", ThresholdDirection.Low, 6),
        Rule("ph.high", "ph", ThresholdDirection.High, 9),
        Rule("p_out_mb.high", "outlet_pressure_mb", ThresholdDirection.High, 0.11),
        Rule("p_out_mb.low", "outlet_pressure_mb", ThresholdDirection.Low, 0.09),
        Rule("p_out_mb.ceiling", "outlet_pressure_mb", ThresholdDirection.High, 0.2),
        Rule("lel.high", "lel", ThresholdDirection.High, 20),
    ];

    private static ThresholdRule Rule(string id, string sensorType, ThresholdDirection direction, double limit) => new()
    {
        Id = id,
        SensorType = sensorType,
        Kind = id,
        Direction = direction,
        Limit = limit,
        Priority = AlarmPriority.Medium,
        Message = id,
    };
}
