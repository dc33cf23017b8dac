using System.Text;
using System.Text.RegularExpressions;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Tests;

public sealed partial class AssetRegistryLoaderTests
{
    private const double ZoneLengthM = 200;

    private static readonly string[] EverywhereTypes = ["temp", "rh", "level", "o2"];

    private static readonly string[] EquipmentChannels = ["fan1_run", "fan2_run", "pump1_run", "pump2_run", "intrusion"];

    private static readonly string[] EffluentTypes = ["cod", "nh3n", "tn", "tp", "ss", "ph"];

    private static readonly Lazy<AssetRegistry> Registry = new(() => AssetRegistryLoader.Load(SeedDirectory.Baoshan));

    private static IEnumerable<Site> Projects => Registry.Value.Sites.Where(s => s.Kind == SiteKind.TunnelProject);

    private static IEnumerable<Tunnel> Tunnels => Projects.SelectMany(s => s.Tunnels);

    private static IEnumerable<Cabin> Cabins => Tunnels.SelectMany(t => t.Cabins);

    private static IEnumerable<Device> ZoneControllers => Cabins.SelectMany(c => c.Zones).SelectMany(z => z.Devices);

    [Fact]
    public void Load_BaoshanSeeds_Succeeds()
    {
        var registry = Registry.Value;

        registry.City.ShouldBe("baoshan");
        registry.DeviceCount.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Load_BaoshanSeeds_MatchesPlanTotals()
    {
        Projects.Count().ShouldBe(19);
        Tunnels.Where(t => t.Kind == TunnelKind.Trunk).Sum(t => t.LengthM).ShouldBe(57_000, 0.001);
        Tunnels.Where(t => t.Kind == TunnelKind.Branch).Sum(t => t.LengthM).ShouldBe(29_260, 0.001);
        Registry.Value.Sites.Count(s => s.Kind == SiteKind.SewagePlant).ShouldBe(3);
        Registry.Value.Sites.Single(s => s.Kind == SiteKind.GasNetwork).Id.ShouldBe("gas");
        Registry.Value.Sites.Where(s => s.Kind == SiteKind.SewagePlant).Select(s => s.Id).ShouldBe(["wwtp1", "wwtp2", "wwtp3"]);
    }

    [Fact]
    public void Load_BaoshanSeeds_NamesTheThreeRealRoadsAndMarksTheRestIllustrative()
    {
        var real = Projects.Where(p => !p.Illustrative).Select(p => (p.Id, p.NameZh)).ToList();

        real.ShouldBe([("yongchang-rd", "永昌路"), ("baoxiu-rd", "保岫路"), ("qingbao-rd", "青堡路")]);
        Projects.Count(p => p.Illustrative).ShouldBe(16);
    }

    [Fact]
    public void Load_BaoshanSeeds_CutsEveryCabinIntoZonesOfAtMost200m()
    {
        foreach (var tunnel in Tunnels)
        {
            foreach (var cabin in tunnel.Cabins)
            {
                cabin.Zones.Count.ShouldBe((int)Math.Ceiling(tunnel.LengthM / ZoneLengthM), cabin.Id);
                cabin.Zones.Select(z => z.Index).ShouldBe(Enumerable.Range(1, cabin.Zones.Count));
                cabin.Zones[0].StartM.ShouldBe(0);
                cabin.Zones[^1].EndM.ShouldBe(tunnel.LengthM);
                cabin.Zones.Zip(cabin.Zones.Skip(1)).ShouldAllBe(pair => pair.First.EndM == pair.Second.StartM);
                cabin.Zones.ShouldAllBe(z => z.EndM - z.StartM > 0 && z.EndM - z.StartM <= ZoneLengthM);
                cabin.Zones.ShouldAllBe(z => z.Devices.Count == 1);
            }
        }
    }

    [Fact]
    public void Load_BaoshanSeeds_HasAbout1100To1300ZoneControllers()
    {
        var expected = Tunnels.Sum(t => t.Cabins.Count * (int)Math.Ceiling(t.LengthM / ZoneLengthM));

        ZoneControllers.Count().ShouldBe(expected);
        expected.ShouldBeInRange(1000, 1300);
    }

    [Fact]
    public void Load_BaoshanSeeds_KitsFollowGb50838Table754()
    {
        foreach (var device in ZoneControllers)
        {
            var types = device.Channels.Select(c => c.Type.Id).ToHashSet();
            EverywhereTypes.ShouldBeSubsetOf(types, device.Id);
            EquipmentChannels.ShouldBeSubsetOf(device.Channels.Select(c => c.Name), device.Id);
            switch (device.Location.CabinType)
            {
                case CabinType.Gas:
                    types.ShouldContain("ch4", device.Id);
                    break;
                case CabinType.Sewage:
                    types.ShouldContain("h2s", device.Id);
                    types.ShouldContain("ch4", device.Id);
                    break;
                case CabinType.Power:
                    types.ShouldContain("smoke", device.Id);
                    break;
            }
        }

        ZoneControllers.Select(d => d.Location.CabinType).Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public void Load_BaoshanSeeds_IdsAreUniqueAndPatternValid()
    {
        var registry = Registry.Value;
        var ids = registry.Sites.Select(s => s.Id)
            .Concat(Tunnels.Select(t => t.Id))
            .Concat(Cabins.Select(c => c.Id))
            .Concat(Cabins.SelectMany(c => c.Zones).Select(z => z.Id))
            .Concat(registry.Sites.SelectMany(s => s.Stations).Select(s => s.Id))
            .Concat(registry.Devices.Select(d => d.Id))
            .ToList();

        ids.Distinct(StringComparer.Ordinal).Count().ShouldBe(ids.Count);
        ids.ShouldAllBe(id => IdPattern().IsMatch(id));
        registry.Devices.SelectMany(d => d.Channels).ShouldAllBe(c => ChannelPattern().IsMatch(c.Name));
        registry.Devices.ShouldAllBe(d => d.Channels.Select(c => c.Name).Distinct().Count() == d.Channels.Count);
    }

    [Fact]
    public void Load_BaoshanSeeds_FollowsTheIdScheme()
    {
        var registry = Registry.Value;

        registry.TryGetTunnel("yongchang-rd-trunk", out var trunk).ShouldBeTrue();
        registry.TryGetTunnel("yongchang-rd-branch2", out _).ShouldBeTrue();
        registry.TryGetCabin("yongchang-rd-trunk-gas", out var gasCabin).ShouldBeTrue();
        gasCabin.Type.ShouldBe(CabinType.Gas);
        gasCabin.TunnelId.ShouldBe(trunk.Id);
        registry.TryGetZone("yongchang-rd-trunk-gas-z003", out var zone).ShouldBeTrue();
        zone.StartM.ShouldBe(400);
        zone.EndM.ShouldBe(600);
        registry.TryGetDevice("yongchang-rd-trunk-gas-z003-ctl", out var device).ShouldBeTrue();
        device.Model.ShouldBe("zc-gas");
        device.ExpectedInterval.ShouldBe(TimeSpan.FromSeconds(1));
        device.SensorId("ch4").ShouldBe("yongchang-rd-trunk-gas-z003-ctl.ch4");
        device.Location.Description.ShouldBe("永昌路 trunk · gas cabin · zone 3 (K0+400–K0+600)");
        device.Location.ShouldBe(new AssetLocation
        {
            SiteId = "yongchang-rd",
            SiteKind = SiteKind.TunnelProject,
            TunnelId = "yongchang-rd-trunk",
            CabinId = "yongchang-rd-trunk-gas",
            CabinType = CabinType.Gas,
            ZoneId = "yongchang-rd-trunk-gas-z003",
            ZoneIndex = 3,
            ChainageStartM = 400,
            ChainageEndM = 600,
            Description = "永昌路 trunk · gas cabin · zone 3 (K0+400–K0+600)",
        });
        registry.NeighboursOf(zone.Id).Select(z => z.Id).ShouldBe(["yongchang-rd-trunk-gas-z002", "yongchang-rd-trunk-gas-z004"]);
    }

    [Fact]
    public void Load_BaoshanSeeds_LastZoneOfABranchEndsAtTheTunnelEnd()
    {
        Registry.Value.TryGetCabin("yongchang-rd-branch1-power", out var cabin).ShouldBeTrue();

        var last = cabin.Zones[^1];
        last.Id.ShouldBe("yongchang-rd-branch1-power-z010");
        last.Devices[0].Location.Description.ShouldBe("永昌路 branch 1 · power cabin · zone 10 (K1+800–K1+860)");
    }

    [Fact]
    public void Load_BaoshanSeeds_PlantsAndGasStationsHaveTheirDevices()
    {
        var registry = Registry.Value;

        registry.TryGetSite("wwtp3", out var wwtp3).ShouldBeTrue();
        wwtp3.NameZh.ShouldBe("保山市第三污水处理厂");
        wwtp3.Stations.Select(s => s.Id).ShouldContain("wwtp3-effluent");
        registry.TryGetDevice("wwtp1-effluent-ana", out var analyser).ShouldBeTrue();
        analyser.Location.StationId.ShouldBe("wwtp1-effluent");
        EffluentTypes.ShouldBeSubsetOf(analyser.Channels.Select(c => c.Type.Id));
        registry.TryGetDevice("gas-reg-qingbao-rtu", out var rtu).ShouldBeTrue();
        rtu.Location.SiteKind.ShouldBe(SiteKind.GasNetwork);
        rtu.TryGetChannel("p_in", out var inlet).ShouldBeTrue();
        inlet.Max.ShouldBe(0.4);
        inlet.Type.Max.ShouldBe(4.0);
        registry.Sites.Single(s => s.Id == "gas").Stations.Count(s => s.Kind == "regulator").ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public void Load_BaoshanSeeds_ParsesTheRules()
    {
        var rules = Registry.Value.Rules.ToDictionary(r => r.Id);

        var o2L2 = rules["o2.low.l2"];
        o2L2.SensorType.ShouldBe("o2");
        o2L2.Direction.ShouldBe(ThresholdDirection.Low);
        o2L2.Limit.ShouldBe(18);
        o2L2.Priority.ShouldBe(AlarmPriority.Critical);
        o2L2.LifeSafety.ShouldBeTrue();
        rules["o2.low.l1"].Limit.ShouldBe(19.5);
        rules["o2.high"].Limit.ShouldBe(22);
        rules["ch4.high.l2"].CabinTypes.ShouldBe([CabinType.Gas, CabinType.Sewage]);
        rules["ch4.high.l2"].Limit.ShouldBe(25);
        rules["temp.high"].OnDelay.ShouldBe(TimeSpan.FromMinutes(1));
        rules["nh3n.high"].Limit.ShouldBe(5);
        rules["nh3n.high.pre"].Limit.ShouldBe(4);
        rules["lel.high.l2"].SiteKinds.ShouldBe([SiteKind.GasNetwork]);
        rules["smoke.on"].Direction.ShouldBe(ThresholdDirection.OnTrue);
        rules["smoke.on"].Priority.ShouldBe(AlarmPriority.Critical);
        Registry.Value.Rules.Where(r => r.LifeSafety).ShouldAllBe(r => r.OnDelay == TimeSpan.Zero);
        Registry.Value.Rules.Select(r => r.SensorType).ShouldAllBe(t => Registry.Value.SensorTypes.ContainsKey(t));
    }

    [Fact]
    public void Load_BaoshanSeeds_RulesApplyToTheRightDevices()
    {
        var registry = Registry.Value;
        var ch4 = registry.Rules.Single(r => r.Id == "ch4.high.l1");

        registry.TryGetDevice("yongchang-rd-trunk-gas-z001-ctl", out var gas).ShouldBeTrue();
        registry.TryGetDevice("yongchang-rd-trunk-power-z001-ctl", out var power).ShouldBeTrue();
        ch4.AppliesTo(gas).ShouldBeTrue();
        ch4.AppliesTo(power).ShouldBeFalse();
    }

    [Fact]
    public void Load_SameSeedsTwice_IsDeterministic()
    {
        var first = Fingerprint(AssetRegistryLoader.Load(SeedDirectory.Baoshan));
        var second = Fingerprint(AssetRegistryLoader.Load(SeedDirectory.Baoshan));

        second.ShouldBe(first);
    }

    private static string Fingerprint(AssetRegistry registry)
    {
        var text = new StringBuilder();
        foreach (var site in registry.Sites)
        {
            text.AppendLine($"{site.Id} {site.Kind} {site.Illustrative}");
            foreach (var tunnel in site.Tunnels)
            {
                text.AppendLine($" {tunnel.Id} {tunnel.LengthM}");
                foreach (var zone in tunnel.Cabins.SelectMany(c => c.Zones))
                {
                    text.AppendLine($"  {zone.Id} {zone.StartM} {zone.EndM}");
                }
            }
        }

        foreach (var device in registry.Devices)
        {
            text.AppendLine($"{device.Id} {device.Model} {device.Location.Description} {string.Join(",", device.Channels.Select(c => $"{c.Name}:{c.Type.Id}:{c.Min}:{c.Max}"))}");
        }

        foreach (var rule in registry.Rules)
        {
            text.AppendLine(rule.ToString());
        }

        return text.ToString();
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex ChannelPattern();
}
