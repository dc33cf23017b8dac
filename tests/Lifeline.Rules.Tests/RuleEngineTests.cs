using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Rules.Tests;

public sealed class RuleEngineTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private const string Plant = TestRegistry.PlantDevice;

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly AssetRegistry _registry = TestRegistry.Create();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly RuleEngine _sut;

    public RuleEngineTests()
    {
        _sut = new RuleEngine(_registry);
    }

    private List<RuleTransition> Feed(string device, string channel, double value) => Feed(_sut, device, channel, value, _time.GetUtcNow());

    private static List<RuleTransition> Feed(RuleEngine engine, string device, string channel, double value, DateTimeOffset now)
    {
        var output = new List<RuleTransition>();
        engine.Evaluate(new Reading(device, channel, value, now, null), now, output);
        return output;
    }

    private List<RuleTransition> Timers()
    {
        var output = new List<RuleTransition>();
        _sut.EvaluateTimers(_time.GetUtcNow(), output);
        return output;
    }

    private void At(TimeSpan sinceT0) => _time.SetUtcNow(T0 + sinceT0);

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static void ShouldBeTransition(RuleTransition transition, RuleTransitionKind kind, string ruleId, string device, string channel, double value, DateTimeOffset at)
    {
        transition.Kind.ShouldBe(kind);
        transition.Rule.Id.ShouldBe(ruleId);
        transition.Device.Id.ShouldBe(device);
        transition.Channel.Name.ShouldBe(channel);
        transition.SensorId.ShouldBe($"{device}.{channel}");
        transition.Value.ShouldBe(value);
        transition.At.ShouldBe(at);
    }

    [Fact]
    public void Constructor_TestRegistry_BuildsOneRuleInstancePerMatchingSensor()
    {
        // Assert: 3 gas-zone controllers × (o2, ch4, temp, intrusion) + the plant's cod.
        _sut.SensorsWithRules.ShouldBe(13);
        _sut.RuleInstances.ShouldBe(13);
    }

    [Fact]
    public void Evaluate_O2Below18_RaisesAtOnceWithoutOnDelay()
    {
        // Act
        var transitions = Feed(Gas1, "o2", 17);

        // Assert
        var raised = transitions.ShouldHaveSingleItem();
        ShouldBeTransition(raised, RuleTransitionKind.Raised, "o2.low.l2", Gas1, "o2", 17, T0);
        raised.Rule.ShouldBeSameAs(TestRegistry.O2LowL2);
        raised.Rule.LifeSafety.ShouldBeTrue();
    }

    [Fact]
    public void Evaluate_O2InsideDeadband_StaysRaisedUntilAboveLimitPlusDeadband()
    {
        // Arrange
        Feed(Gas1, "o2", 17).Count.ShouldBe(1);

        // Act / Assert: 18.2 is above the limit but inside the 0.3 deadband.
        At(S(1));
        Feed(Gas1, "o2", 18.2).ShouldBeEmpty();
        At(S(2));
        Feed(Gas1, "o2", 18.29).ShouldBeEmpty();
        At(S(3));
        Feed(Gas1, "o2", 17.9).ShouldBeEmpty(); // still active: no second raise

        At(S(4));
        var cleared = Feed(Gas1, "o2", 18.4).ShouldHaveSingleItem();
        ShouldBeTransition(cleared, RuleTransitionKind.Cleared, "o2.low.l2", Gas1, "o2", 18.4, T0 + S(4));
    }

    [Fact]
    public void Evaluate_O2FallsAgainAfterClear_RaisesAgain()
    {
        // Arrange
        Feed(Gas1, "o2", 17);
        At(S(1));
        Feed(Gas1, "o2", 20.9).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);

        // Act
        At(S(2));
        var transitions = Feed(Gas1, "o2", 16.5);

        // Assert
        ShouldBeTransition(transitions.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "o2.low.l2", Gas1, "o2", 16.5, T0 + S(2));
    }

    [Fact]
    public void Evaluate_O2Normal_RaisesNothing()
    {
        // Act / Assert
        Feed(Gas1, "o2", 20.9).ShouldBeEmpty();
        Feed(Gas1, "o2", 18.01).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_LowValueExactlyAtLimit_Violates()
    {
        // Act
        var transitions = Feed(Gas1, "o2", 18);

        // Assert
        transitions.ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Raised);
    }

    [Fact]
    public void Evaluate_HighValueExactlyAtLimit_Violates()
    {
        // Act
        var ch4 = Feed(Gas1, "ch4", 20);
        var cod = Feed(Plant, "cod", 50);

        // Assert
        ShouldBeTransition(ch4.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "ch4.high.l1", Gas1, "ch4", 20, T0);
        ShouldBeTransition(cod.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "cod.high", Plant, "cod", 50, T0);
    }

    [Fact]
    public void Evaluate_HighValueJustBelowLimit_DoesNotViolate()
    {
        // Act / Assert
        Feed(Gas1, "ch4", 19.99).ShouldBeEmpty();
        Feed(Plant, "cod", 49.9).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_Ch4HighDeadband_ClearsOnlyBelowLimitMinusDeadband()
    {
        // Arrange
        Feed(Gas1, "ch4", 25);

        // Act / Assert: deadband 2 → clears below 18.
        Feed(Gas1, "ch4", 19).ShouldBeEmpty();
        Feed(Gas1, "ch4", 18).ShouldBeEmpty();
        Feed(Gas1, "ch4", 17.9).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void Evaluate_Ch4OnGasZoneDevices_EachSensorHasItsOwnState()
    {
        // Act
        var zone2 = Feed(Gas2, "ch4", 30);
        var zone1 = Feed(Gas1, "ch4", 5);
        var zone2Again = Feed(Gas2, "ch4", 31);

        // Assert
        ShouldBeTransition(zone2.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "ch4.high.l1", Gas2, "ch4", 30, T0);
        zone1.ShouldBeEmpty();
        zone2Again.ShouldBeEmpty();
    }

    [Fact]
    public void AppliesTo_Ch4Rule_MatchesGasCabinDevicesOnly()
    {
        // Arrange
        _registry.TryGetDevice(Gas1, out var gas).ShouldBeTrue();
        _registry.TryGetDevice(Plant, out var plant).ShouldBeTrue();

        // Act / Assert
        TestRegistry.Ch4HighL1.AppliesTo(gas!).ShouldBeTrue();
        TestRegistry.Ch4HighL1.AppliesTo(plant!).ShouldBeFalse();
        TestRegistry.CodHigh.AppliesTo(plant!).ShouldBeTrue();
        TestRegistry.CodHigh.AppliesTo(gas!).ShouldBeFalse();
        TestRegistry.O2LowL2.AppliesTo(gas!).ShouldBeTrue();
        TestRegistry.O2LowL2.AppliesTo(plant!).ShouldBeTrue();
    }

    [Fact]
    public void Constructor_RuleRestrictedToOtherCabinType_IsNotAppliedToGasCabinSensors()
    {
        // Arrange: a methane rule for power cabins only.
        var powerOnly = TestRegistry.Ch4HighL1 with { Id = "ch4.power", CabinTypes = [CabinType.Power] };
        var engine = new RuleEngine(TestRegistry.Create(powerOnly));

        // Act
        var transitions = Feed(engine, Gas1, "ch4", 80, T0);

        // Assert
        engine.SensorsWithRules.ShouldBe(0);
        transitions.ShouldBeEmpty();
    }

    [Fact]
    public void Constructor_RuleRestrictedToSewagePlants_IsAppliedOnlyOnThePlant()
    {
        // Arrange: an O₂ rule for plants only; the plant device has no o2 channel, the gas devices are not on a plant.
        var plantOnly = TestRegistry.O2LowL2 with { Id = "o2.plant", SiteKinds = [SiteKind.SewagePlant] };
        var codAnywhere = TestRegistry.CodHigh with { Id = "cod.any", SiteKinds = [] };
        var engine = new RuleEngine(TestRegistry.Create(plantOnly, codAnywhere));

        // Act
        var o2 = Feed(engine, Gas1, "o2", 10, T0);
        var cod = Feed(engine, Plant, "cod", 60, T0);

        // Assert
        engine.SensorsWithRules.ShouldBe(1);
        o2.ShouldBeEmpty();
        cod.ShouldHaveSingleItem().Rule.Id.ShouldBe("cod.any");
    }

    [Fact]
    public void Evaluate_CodAbove50OnPlant_RaisesCodHigh()
    {
        // Act
        var transitions = Feed(Plant, "cod", 62.5);

        // Assert
        ShouldBeTransition(transitions.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "cod.high", Plant, "cod", 62.5, T0);
    }

    [Fact]
    public void Evaluate_TempAboveLimit_RaisesOnlyAfterTheOnDelay()
    {
        // Act / Assert
        Feed(Gas1, "temp", 41).ShouldBeEmpty();
        At(S(59));
        Feed(Gas1, "temp", 41).ShouldBeEmpty();
        At(S(60));
        var raised = Feed(Gas1, "temp", 41).ShouldHaveSingleItem();
        ShouldBeTransition(raised, RuleTransitionKind.Raised, "temp.high", Gas1, "temp", 41, T0 + S(60));
        At(S(61));
        Feed(Gas1, "temp", 42).ShouldBeEmpty(); // already active
    }

    [Fact]
    public void Evaluate_TempExactlyAtLimitForTheOnDelay_Raises()
    {
        // Act / Assert
        Feed(Gas1, "temp", 40).ShouldBeEmpty();
        At(S(60));
        Feed(Gas1, "temp", 40).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Raised);
    }

    [Fact]
    public void Evaluate_DipBelowLimitDuringOnDelay_RestartsTheDelay()
    {
        // Arrange
        Feed(Gas1, "temp", 41);
        At(S(30));
        Feed(Gas1, "temp", 39.9).ShouldBeEmpty(); // below the limit: pending on-delay is dropped

        // Act / Assert
        At(S(40));
        Feed(Gas1, "temp", 41).ShouldBeEmpty(); // the delay starts again here
        At(S(60));
        Feed(Gas1, "temp", 41).ShouldBeEmpty(); // 60 s after the first reading, but only 20 s after the restart
        At(S(99));
        Timers().ShouldBeEmpty();
        At(S(100));
        var raised = Feed(Gas1, "temp", 41.5).ShouldHaveSingleItem();
        ShouldBeTransition(raised, RuleTransitionKind.Raised, "temp.high", Gas1, "temp", 41.5, T0 + S(100));
    }

    [Fact]
    public void EvaluateTimers_OnDelayExpiredWithoutNewReading_RaisesWithTheLastValue()
    {
        // Arrange
        Feed(Gas1, "temp", 43);

        // Act / Assert
        At(S(59));
        Timers().ShouldBeEmpty();
        At(S(60));
        var raised = Timers().ShouldHaveSingleItem();
        ShouldBeTransition(raised, RuleTransitionKind.Raised, "temp.high", Gas1, "temp", 43, T0 + S(60));
        At(S(120));
        Timers().ShouldBeEmpty(); // nothing pending any more
    }

    [Fact]
    public void EvaluateTimers_NothingPending_ReturnsNothing()
    {
        // Arrange: an immediate alarm is active but has no delay running.
        Feed(Gas1, "o2", 17);

        // Act
        At(TimeSpan.FromHours(1));

        // Assert
        Timers().ShouldBeEmpty();
    }

    private void RaiseTemp()
    {
        Feed(Gas1, "temp", 41).ShouldBeEmpty();
        At(S(60));
        Feed(Gas1, "temp", 41).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Raised);
    }

    [Fact]
    public void Evaluate_TempBackBelowDeadband_ClearsOnlyAfterTheOffDelay()
    {
        // Arrange
        RaiseTemp();

        // Act / Assert
        At(S(100));
        Feed(Gas1, "temp", 38).ShouldBeEmpty();
        At(S(159));
        Feed(Gas1, "temp", 38).ShouldBeEmpty();
        At(S(160));
        var cleared = Feed(Gas1, "temp", 37.5).ShouldHaveSingleItem();
        ShouldBeTransition(cleared, RuleTransitionKind.Cleared, "temp.high", Gas1, "temp", 37.5, T0 + S(160));
    }

    [Fact]
    public void EvaluateTimers_OffDelayExpiredWithoutNewReading_Clears()
    {
        // Arrange
        RaiseTemp();
        At(S(100));
        Feed(Gas1, "temp", 38);

        // Act / Assert
        At(S(159));
        Timers().ShouldBeEmpty();
        At(S(160));
        ShouldBeTransition(Timers().ShouldHaveSingleItem(), RuleTransitionKind.Cleared, "temp.high", Gas1, "temp", 38, T0 + S(160));
    }

    [Fact]
    public void Evaluate_TempInsideDeadbandWhileActive_DoesNotStartTheOffDelay()
    {
        // Arrange
        RaiseTemp();

        // Act / Assert: 39.5 is below the limit but not below limit − deadband (39).
        At(S(100));
        Feed(Gas1, "temp", 39.5).ShouldBeEmpty();
        At(S(1000));
        Timers().ShouldBeEmpty();
        Feed(Gas1, "temp", 39).ShouldBeEmpty(); // exactly limit − deadband is not clear either
        At(S(2000));
        Timers().ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_BounceAboveDeadbandDuringOffDelay_KeepsTheAlarmActive()
    {
        // Arrange
        RaiseTemp();
        At(S(100));
        Feed(Gas1, "temp", 38).ShouldBeEmpty(); // off-delay starts

        // Act / Assert
        At(S(130));
        Feed(Gas1, "temp", 39.5).ShouldBeEmpty(); // above 39: back to active, off-delay dropped
        At(S(160));
        Feed(Gas1, "temp", 38).ShouldBeEmpty(); // off-delay starts again here
        At(S(161));
        Timers().ShouldBeEmpty();
        At(S(219));
        Timers().ShouldBeEmpty();
        At(S(220));
        ShouldBeTransition(Timers().ShouldHaveSingleItem(), RuleTransitionKind.Cleared, "temp.high", Gas1, "temp", 38, T0 + S(220));
    }

    [Fact]
    public void Evaluate_TempShortSpikeUnderOnDelay_NeverRaises()
    {
        // Act
        var transitions = new List<RuleTransition>();
        for (var s = 0; s < 600; s += 10)
        {
            At(S(s));
            transitions.AddRange(Feed(Gas1, "temp", s % 50 == 0 ? 39 : 45)); // back under the limit every 50 s
            transitions.AddRange(Timers());
        }

        // Assert
        transitions.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_IntrusionTrue_RaisesAtOnceAndFalseClears()
    {
        // Act
        var raised = Feed(Gas1, "intrusion", 1);
        var still = Feed(Gas1, "intrusion", 1);
        At(S(5));
        var cleared = Feed(Gas1, "intrusion", 0);
        var idle = Feed(Gas1, "intrusion", 0);

        // Assert
        ShouldBeTransition(raised.ShouldHaveSingleItem(), RuleTransitionKind.Raised, "intrusion", Gas1, "intrusion", 1, T0);
        still.ShouldBeEmpty();
        ShouldBeTransition(cleared.ShouldHaveSingleItem(), RuleTransitionKind.Cleared, "intrusion", Gas1, "intrusion", 0, T0 + S(5));
        idle.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("no-such-device", "o2")]
    [InlineData(Gas1, "h2s")]
    [InlineData(Gas1, "cod")]
    [InlineData(Plant, "o2")]
    public void Evaluate_UnknownSensor_ReturnsNoTransitions(string device, string channel)
    {
        // Act
        var transitions = Feed(device, channel, 0);

        // Assert
        transitions.ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_AppendsToExistingOutput()
    {
        // Arrange
        var output = new List<RuleTransition>();
        _sut.Evaluate(new Reading(Gas1, "o2", 17, T0, 1), T0, output);

        // Act
        _sut.Evaluate(new Reading(Gas2, "o2", 16, T0, 1), T0, output);

        // Assert
        output.Select(t => t.SensorId).ShouldBe([$"{Gas1}.o2", $"{Gas2}.o2"]);
    }

    [Theory]
    [InlineData(ThresholdDirection.High, 10, 2, 10, true, false)]
    [InlineData(ThresholdDirection.High, 10, 2, 9.99, false, false)]
    [InlineData(ThresholdDirection.High, 10, 2, 8, false, false)]
    [InlineData(ThresholdDirection.High, 10, 2, 7.99, false, true)]
    [InlineData(ThresholdDirection.Low, 10, 2, 10, true, false)]
    [InlineData(ThresholdDirection.Low, 10, 2, 10.01, false, false)]
    [InlineData(ThresholdDirection.Low, 10, 2, 12, false, false)]
    [InlineData(ThresholdDirection.Low, 10, 2, 12.01, false, true)]
    [InlineData(ThresholdDirection.OnTrue, 0, 0, 1, true, false)]
    [InlineData(ThresholdDirection.OnTrue, 0, 0, 0, false, true)]
    [InlineData(ThresholdDirection.OnFalse, 0, 0, 0, true, false)]
    [InlineData(ThresholdDirection.OnFalse, 0, 0, 1, false, true)]
    public void ThresholdEvaluator_Value_ViolatesOrClearsAsExpected(ThresholdDirection direction, double limit, double deadband, double value, bool violated, bool clear)
    {
        // Arrange
        var rule = new ThresholdRule
        {
            Id = "r", SensorType = "x", Kind = "x", Direction = direction, Limit = limit, Deadband = deadband, Priority = AlarmPriority.Low, Message = "m",
        };

        // Act / Assert
        ThresholdEvaluator.IsViolated(rule, value).ShouldBe(violated);
        ThresholdEvaluator.IsClear(rule, value).ShouldBe(clear);
    }
}
