using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Tests;

/// <summary>The overrides of rules.yaml: what the seeds set, how a device's effective rule is resolved, and the reload read.</summary>
public sealed class RuleOverrideTests : IDisposable
{
    private static readonly Lazy<AssetRegistry> Registry = new(() => AssetRegistryLoader.Load(SeedDirectory.Baoshan));

    private readonly SeedDirectory _seeds = SeedDirectory.CopyOfBaoshan();

    public void Dispose() => _seeds.Dispose();

    private static ThresholdRule? Effective(AssetRegistry registry, string ruleId, string deviceId)
    {
        registry.RuleSet.TryGetRule(ruleId, out var rule).ShouldBeTrue(ruleId);
        registry.TryGetDevice(deviceId, out var device).ShouldBeTrue(deviceId);
        return registry.RuleSet.Resolve(rule, device);
    }

    [Fact]
    public void Load_BaoshanSeeds_ParsesTheOverrides()
    {
        var overrides = Registry.Value.RuleSet.Overrides;

        overrides.Select(o => (o.RuleId, o.Scope.ToString())).ShouldBe(
        [
            ("temp.high", "tunnel 'yongchang-rd-trunk'"),
            ("rh.high", "zone 'baoxiu-rd-trunk-sewage-z007'"),
            ("cod.high", "site 'wwtp2'"),
            ("nh3n.high", "site 'wwtp2'"),
        ]);
        var humidity = overrides[1];
        humidity.Scope.TunnelId.ShouldBe("baoxiu-rd-trunk");
        humidity.Scope.Level.ShouldBe(RuleScopeLevel.Zone);
        humidity.Limit.ShouldBe(97);
        humidity.OnDelay.ShouldBe(TimeSpan.FromMinutes(30));
        humidity.Priority.ShouldBeNull();
        humidity.Enabled.ShouldBeNull();
        humidity.Note.ShouldStartWith("illustrative work order");
    }

    [Fact]
    public void Resolve_TunnelTemperatureOverride_AppliesToEveryCabinOfThatTunnelOnly()
    {
        var trunk = Effective(Registry.Value, "temp.high", "yongchang-rd-trunk-power-z001-ctl")!;
        var gas = Effective(Registry.Value, "temp.high", "yongchang-rd-trunk-gas-z039-ctl")!;
        var branch = Effective(Registry.Value, "temp.high", "yongchang-rd-branch1-power-z001-ctl")!;

        trunk.Id.ShouldBe("temp.high");
        trunk.Limit.ShouldBe(38);
        trunk.Message.ShouldStartWith("Cabin temperature ≥ 38 °C");
        trunk.Priority.ShouldBe(AlarmPriority.Medium);
        trunk.OnDelay.ShouldBe(TimeSpan.FromMinutes(1));
        gas.Limit.ShouldBe(38);
        branch.ShouldBeSameAs(Registry.Value.Rules.Single(r => r.Id == "temp.high"));
        branch.Limit.ShouldBe(40);
    }

    [Fact]
    public void Resolve_ZoneWithKnownSeepage_HasTheHigherHumidityLimitAndTheNeighboursDoNot()
    {
        var zone = Effective(Registry.Value, "rh.high", "baoxiu-rd-trunk-sewage-z007-ctl")!;
        var next = Effective(Registry.Value, "rh.high", "baoxiu-rd-trunk-sewage-z008-ctl")!;

        zone.Limit.ShouldBe(97);
        zone.OnDelay.ShouldBe(TimeSpan.FromMinutes(30));
        zone.OffDelay.ShouldBe(TimeSpan.FromMinutes(5));
        zone.Deadband.ShouldBe(3);
        next.Limit.ShouldBe(90);
    }

    [Fact]
    public void Resolve_PlantUpstreamOfAWaterIntake_HasCriticalEffluentAlarmsAtTheSameLimits()
    {
        var plant2 = Effective(Registry.Value, "cod.high", "wwtp2-effluent-ana")!;
        var plant1 = Effective(Registry.Value, "cod.high", "wwtp1-effluent-ana")!;

        (plant2.Limit, plant2.Priority).ShouldBe((50, AlarmPriority.Critical));
        plant2.Message.ShouldContain("notify the water works");
        (plant1.Limit, plant1.Priority).ShouldBe((50, AlarmPriority.High));
        Effective(Registry.Value, "cod.high.pre", "wwtp2-effluent-ana")!.Priority.ShouldBe(AlarmPriority.Medium);
        Effective(Registry.Value, "nh3n.high", "wwtp2-effluent-ana")!.Priority.ShouldBe(AlarmPriority.Critical);
    }

    [Fact]
    public void Resolve_OverridesAtEveryLevel_MostSpecificValueWins()
    {
        // Arrange: the seeds already set temp.high to 38 on the whole Yongchang Rd trunk.
        _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, site: yongchang-rd, limit: 36, priority: high}");
        _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, cabin: yongchang-rd-trunk-gas, limit: 35}");
        _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, zone: yongchang-rd-trunk-gas-z002, message: \"zone z002\"}");
        _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, device: yongchang-rd-trunk-gas-z003-ctl, limit: 33, priority: low}");
        _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, zone: yongchang-rd-trunk-gas-z004, enabled: false}");

        // Act
        var registry = AssetRegistryLoader.Load(_seeds.Path);

        // Assert
        var site = Effective(registry, "temp.high", "yongchang-rd-branch1-power-z001-ctl")!;
        (site.Limit, site.Priority).ShouldBe((36, AlarmPriority.High));
        var tunnel = Effective(registry, "temp.high", "yongchang-rd-trunk-power-z001-ctl")!;
        (tunnel.Limit, tunnel.Priority).ShouldBe((38, AlarmPriority.High));
        tunnel.Message.ShouldStartWith("Cabin temperature ≥ 38 °C");
        var cabin = Effective(registry, "temp.high", "yongchang-rd-trunk-gas-z001-ctl")!;
        (cabin.Limit, cabin.Priority).ShouldBe((35, AlarmPriority.High));
        var zone = Effective(registry, "temp.high", "yongchang-rd-trunk-gas-z002-ctl")!;
        (zone.Limit, zone.Priority, zone.Message).ShouldBe((35, AlarmPriority.High, "zone z002"));
        var device = Effective(registry, "temp.high", "yongchang-rd-trunk-gas-z003-ctl")!;
        (device.Limit, device.Priority).ShouldBe((33, AlarmPriority.Low));
        Effective(registry, "temp.high", "yongchang-rd-trunk-gas-z004-ctl").ShouldBeNull();
        Effective(registry, "temp.high", "baoxiu-rd-trunk-gas-z001-ctl")!.Limit.ShouldBe(40);
        new[] { site, tunnel, cabin, zone, device }.ShouldAllBe(r => r.Id == "temp.high");
    }

    [Fact]
    public void Resolve_EnabledTrueBelowADisabledCabin_SwitchesTheRuleBackOnInThatZoneOnly()
    {
        _seeds.AppendLine("rules.yaml", "  - {rule: level.high, cabin: qingbao-rd-trunk-integrated, enabled: false, note: sump pumps replaced}");
        _seeds.AppendLine("rules.yaml", "  - {rule: level.high, zone: qingbao-rd-trunk-integrated-z005, enabled: true}");

        var registry = AssetRegistryLoader.Load(_seeds.Path);

        Effective(registry, "level.high", "qingbao-rd-trunk-integrated-z004-ctl").ShouldBeNull();
        Effective(registry, "level.high", "qingbao-rd-trunk-integrated-z005-ctl")!.Limit.ShouldBe(1.5);
        Effective(registry, "level.highhigh", "qingbao-rd-trunk-integrated-z004-ctl")!.Limit.ShouldBe(2.2);
    }

    [Fact]
    public void Resolve_LifeSafetyRuleWithZeroOnDelayAndOtherLimit_IsAccepted()
    {
        _seeds.AppendLine("rules.yaml", "  - {rule: ch4.high.l1, zone: yongchang-rd-trunk-gas-z010, limit: 15, on_delay: 0s, priority: critical}");

        var rule = Effective(AssetRegistryLoader.Load(_seeds.Path), "ch4.high.l1", "yongchang-rd-trunk-gas-z010-ctl")!;

        (rule.Limit, rule.Priority, rule.OnDelay, rule.LifeSafety).ShouldBe((15, AlarmPriority.Critical, TimeSpan.Zero, true));
    }

    [Fact]
    public void LoadRules_ChangedLimitOnDisk_ReadsTheNewRulesAgainstTheLoadedTopology()
    {
        // Arrange
        var registry = AssetRegistryLoader.Load(_seeds.Path);
        _seeds.Replace("rules.yaml", "limit: 38,", "limit: 37,");
        _seeds.AppendLine("rules.yaml", "  - {rule: o2.low.l1, device: yongchang-rd-trunk-gas-z001-ctl, message: \"detector replaced 2026-05\"}");

        // Act
        var rules = AssetRegistryLoader.LoadRules(_seeds.Path, registry);

        // Assert
        rules.Rules.Count.ShouldBe(registry.Rules.Count);
        rules.Overrides.Count.ShouldBe(5);
        registry.TryGetDevice("yongchang-rd-trunk-gas-z001-ctl", out var device).ShouldBeTrue();
        rules.TryGetRule("temp.high", out var temp).ShouldBeTrue();
        rules.Resolve(temp, device)!.Limit.ShouldBe(37);
        registry.RuleSet.Resolve(temp, device)!.Limit.ShouldBe(38);
    }

    [Fact]
    public void LoadRules_BrokenTopologyFileOnDisk_IsNotReadAgain()
    {
        var registry = AssetRegistryLoader.Load(_seeds.Path);
        File.WriteAllText(_seeds.PathOf("tunnels.yaml"), "projects: [");

        var rules = AssetRegistryLoader.LoadRules(_seeds.Path, registry);

        rules.Overrides.Count.ShouldBe(4);
    }

    [Fact]
    public void LoadRules_InvalidRulesFile_ThrowsWithTheExactErrors()
    {
        var registry = AssetRegistryLoader.Load(_seeds.Path);
        var line = _seeds.AppendLine("rules.yaml", "  - {rule: temp.high, zone: yongchang-rd-trunk-gas-z999, limit: 39}");

        var ex = Should.Throw<AssetRegistryException>(() => AssetRegistryLoader.LoadRules(_seeds.Path, registry));

        ex.Errors.ShouldBe(
        [
            $"{_seeds.PathOf("rules.yaml")}: overrides[4].zone: unknown zone 'yongchang-rd-trunk-gas-z999' (did you mean 'yongchang-rd-trunk-gas-z009'?): no zone of the asset registry has this id (line {line})",
        ]);
    }

    [Fact]
    public void LoadRules_MissingFile_ReportsFileNotFound()
    {
        var registry = AssetRegistryLoader.Load(_seeds.Path);
        File.Delete(_seeds.PathOf("rules.yaml"));

        var ex = Should.Throw<AssetRegistryException>(() => AssetRegistryLoader.LoadRules(_seeds.Path, registry));

        ex.Errors.ShouldBe([$"{_seeds.PathOf("rules.yaml")}: file not found"]);
    }
}
