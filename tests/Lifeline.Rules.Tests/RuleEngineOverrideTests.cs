using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Testing;

namespace Lifeline.Rules.Tests;

/// <summary>Per sensor, the engine evaluates the effective rule: the rule per sensor type with the overrides of its place.</summary>
public sealed class RuleEngineOverrideTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private const string Gas3 = "test-rd-trunk-gas-z003-ctl";
    private const string Plant = TestRegistry.PlantDevice;

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly ThresholdRule[] Defaults =
        [TestRegistry.O2LowL2, TestRegistry.Ch4HighL1, TestRegistry.TempHigh, TestRegistry.IntrusionRule, TestRegistry.CodHigh];

    private readonly AssetRegistry _registry = TestRegistry.Create();

    private static RuleOverride Override(string ruleId, RuleScope scope, double? limit = null, AlarmPriority? priority = null, string? message = null, bool? enabled = null) =>
        new() { RuleId = ruleId, Scope = scope, Limit = limit, Priority = priority, Message = message, Enabled = enabled };

    private static RuleScope Site(string id) => new() { SiteId = id };

    private static RuleScope Zone(int index) => new() { ZoneId = $"test-rd-trunk-gas-z{index:D3}" };

    private static RuleScope Device(string id) => new() { DeviceId = id };

    private RuleEngine Engine(params RuleOverride[] overrides) => new(_registry, new RuleSet(Defaults, overrides));

    private static List<RuleTransition> Feed(RuleEngine engine, string device, string channel, double value)
    {
        var output = new List<RuleTransition>();
        engine.Evaluate(new Reading(device, channel, value, T0, null), T0, output);
        return output;
    }

    [Fact]
    public void Evaluate_SiteCabinZoneAndDeviceOverrides_EachSensorUsesItsMostSpecificValues()
    {
        // Arrange: ch4.high.l1 is 20 %LEL by default.
        var engine = Engine(
            Override("ch4.high.l1", new RuleScope { DeviceId = Gas3 }, limit: 10),
            Override("ch4.high.l1", Zone(2), limit: 12, message: "zone 2"),
            Override("ch4.high.l1", new RuleScope { CabinId = "test-rd-trunk-gas" }, limit: 15, priority: AlarmPriority.Critical),
            Override("ch4.high.l1", Site(TestRegistry.Site), limit: 18, message: "site"));

        // Act
        var zone1 = Feed(engine, Gas1, "ch4", 16);
        var zone1Below = Feed(engine, Gas2, "ch4", 11.9);
        var zone2 = Feed(engine, Gas2, "ch4", 12);
        var device = Feed(engine, Gas3, "ch4", 10);

        // Assert: cabin beats site; zone beats cabin for the limit but keeps the cabin's priority; device beats all.
        var cabinRule = zone1.ShouldHaveSingleItem().Rule;
        (cabinRule.Id, cabinRule.Limit, cabinRule.Priority, cabinRule.Message).ShouldBe(("ch4.high.l1", 15, AlarmPriority.Critical, "site"));
        zone1Below.ShouldBeEmpty();
        var zoneRule = zone2.ShouldHaveSingleItem().Rule;
        (zoneRule.Limit, zoneRule.Priority, zoneRule.Message).ShouldBe((12, AlarmPriority.Critical, "zone 2"));
        var deviceRule = device.ShouldHaveSingleItem().Rule;
        (deviceRule.Limit, deviceRule.Priority, deviceRule.Message).ShouldBe((10, AlarmPriority.Critical, "site"));
        deviceRule.Deadband.ShouldBe(2);
        deviceRule.LifeSafety.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_OverrideOrderInTheFile_DoesNotMatterOnlySpecificity()
    {
        var zoneFirst = Engine(Override("o2.low.l2", Zone(1), limit: 19), Override("o2.low.l2", Site(TestRegistry.Site), limit: 17));
        var siteFirst = Engine(Override("o2.low.l2", Site(TestRegistry.Site), limit: 17), Override("o2.low.l2", Zone(1), limit: 19));

        Feed(zoneFirst, Gas1, "o2", 18.5).ShouldHaveSingleItem().Rule.Limit.ShouldBe(19);
        Feed(siteFirst, Gas1, "o2", 18.5).ShouldHaveSingleItem().Rule.Limit.ShouldBe(19);
        Feed(siteFirst, Gas2, "o2", 17.5).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_SensorWithoutOverride_RaisesTheRuleInstanceItself()
    {
        var engine = Engine(Override("o2.low.l2", Zone(1), limit: 19));

        Feed(engine, Gas2, "o2", 17).ShouldHaveSingleItem().Rule.ShouldBeSameAs(TestRegistry.O2LowL2);
    }

    [Fact]
    public void Evaluate_RuleDisabledInAZone_IsNotEvaluatedThereButElsewhere()
    {
        // Arrange
        var engine = Engine(Override("ch4.high.l1", Zone(2), enabled: false));

        // Act / Assert
        Feed(engine, Gas2, "ch4", 90).ShouldBeEmpty();
        Feed(engine, Gas1, "ch4", 90).ShouldHaveSingleItem().Rule.Id.ShouldBe("ch4.high.l1");
        engine.RuleInstances.ShouldBe(12);
        var disabled = engine.Current.Disabled.ShouldHaveSingleItem();
        (disabled.SensorId, disabled.Rule.Id).ShouldBe(($"{Gas2}.ch4", "ch4.high.l1"));
        engine.Current.For($"{Gas2}.ch4").ShouldBeEmpty();
        engine.Current.For($"{Gas2}.o2").ShouldHaveSingleItem().Rule.ShouldBeSameAs(TestRegistry.O2LowL2);
    }

    [Fact]
    public void Evaluate_DeviceEnablesARuleItsSiteDisables_OnlyThatDeviceEvaluatesIt()
    {
        var engine = Engine(
            Override("temp.high", Site(TestRegistry.Site), enabled: false),
            Override("temp.high", Device(Gas3), enabled: true, limit: 30));

        engine.Current.For($"{Gas1}.temp").ShouldBeEmpty();
        engine.Current.For($"{Gas2}.temp").ShouldBeEmpty();
        engine.Current.For($"{Gas3}.temp").ShouldHaveSingleItem().Rule.Limit.ShouldBe(30);
        engine.Current.Disabled.Count.ShouldBe(2);
    }

    [Fact]
    public void Evaluate_OverrideOnAnotherSite_LeavesThePlantAlone()
    {
        var engine = Engine(Override("cod.high", Site("wwtp9"), limit: 30), Override("o2.low.l2", Site("elsewhere"), limit: 19));

        Feed(engine, Plant, "cod", 35).ShouldHaveSingleItem().Rule.Limit.ShouldBe(30);
        Feed(engine, Gas1, "o2", 18.5).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_OnDelayFromAnOverride_DelaysTheRaise()
    {
        // Arrange: temp.high has a 60 s on-delay; zone 1 waits 5 minutes.
        var engine = new RuleEngine(_registry, new RuleSet(Defaults, [new RuleOverride { RuleId = "temp.high", Scope = Zone(1), OnDelay = TimeSpan.FromMinutes(5) }]));
        var output = new List<RuleTransition>();

        // Act
        engine.Evaluate(new Reading(Gas1, "temp", 45, T0, null), T0, output);
        engine.Evaluate(new Reading(Gas2, "temp", 45, T0, null), T0, output);
        engine.EvaluateTimers(T0 + TimeSpan.FromSeconds(60), output);
        var afterAMinute = output.Select(t => t.Device.Id).ToList();
        engine.EvaluateTimers(T0 + TimeSpan.FromMinutes(5), output);

        // Assert
        afterAMinute.ShouldBe([Gas2]);
        output.Select(t => t.Device.Id).ShouldBe([Gas2, Gas1]);
    }

    [Fact]
    public void RuleSet_OverrideOfUnknownRule_IsRejected()
    {
        Should.Throw<ArgumentException>(() => new RuleSet(Defaults, [Override("nope", Zone(1), limit: 1)]))
            .Message.ShouldStartWith("override of unknown rule 'nope'");
    }

    [Fact]
    public void RuleScope_Combination_MatchesOnlyWhereEveryIdMatches()
    {
        _registry.TryGetDevice(Gas1, out var gas1).ShouldBeTrue();
        _registry.TryGetDevice(Plant, out var plant).ShouldBeTrue();
        var scope = new RuleScope { SiteId = TestRegistry.Site, ZoneId = "test-rd-trunk-gas-z001" };

        scope.Level.ShouldBe(RuleScopeLevel.Zone);
        scope.ToString().ShouldBe("zone 'test-rd-trunk-gas-z001'");
        scope.Matches(gas1!).ShouldBeTrue();
        scope.Matches(plant!).ShouldBeFalse();
        (scope with { SiteId = "elsewhere" }).Matches(gas1!).ShouldBeFalse();
        new RuleScope().Matches(gas1!).ShouldBeFalse();
    }
}
