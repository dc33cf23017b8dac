using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Rules.Tests;

/// <summary>Swapping the rule set (a reload) and restoring active alarms after a restart.</summary>
public sealed class RuleEngineSwapTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly ThresholdRule[] Defaults =
        [TestRegistry.O2LowL2, TestRegistry.Ch4HighL1, TestRegistry.TempHigh, TestRegistry.IntrusionRule, TestRegistry.CodHigh];

    private readonly AssetRegistry _registry = TestRegistry.Create();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly RuleEngine _sut;

    public RuleEngineSwapTests()
    {
        _sut = new RuleEngine(_registry);
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private void At(TimeSpan sinceT0) => _time.SetUtcNow(T0 + sinceT0);

    private List<RuleTransition> Feed(string device, string channel, double value)
    {
        var output = new List<RuleTransition>();
        _sut.Evaluate(new Reading(device, channel, value, Now, null), Now, output);
        return output;
    }

    private List<RuleTransition> Timers()
    {
        var output = new List<RuleTransition>();
        _sut.EvaluateTimers(Now, output);
        return output;
    }

    private (RuleSetChange Change, List<RuleTransition> Transitions) Swap(IReadOnlyList<ThresholdRule> rules, params RuleOverride[] overrides)
    {
        var output = new List<RuleTransition>();
        var change = _sut.Swap(new RuleSet(rules, overrides), Now, output);
        return (change, output);
    }

    private static ThresholdRule[] With(ThresholdRule replacement) =>
        [.. Defaults.Select(r => r.Id == replacement.Id ? replacement : r)];

    [Fact]
    public void Swap_UnchangedRules_KeepActiveAlarmsWithoutTransitions()
    {
        // Arrange
        Feed(Gas1, "o2", 17).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Raised);

        // Act: an equal rule set, parsed anew (other instances, same values).
        var (change, transitions) = Swap([.. Defaults.Select(r => r with { Basis = "re-read" })]);

        // Assert: still active, so no second raise; it clears normally.
        transitions.ShouldBeEmpty();
        change.Added.ShouldBeEmpty();
        change.Removed.ShouldBeEmpty();
        change.Changed.ShouldBeEmpty();
        change.Unchanged.ShouldBe(13);
        (change.Reset, change.ClearedAlarms).ShouldBe((0, 0));
        Feed(Gas1, "o2", 16).ShouldBeEmpty();
        var cleared = Feed(Gas1, "o2", 20.9).ShouldHaveSingleItem();
        cleared.Kind.ShouldBe(RuleTransitionKind.Cleared);
        cleared.Reason.ShouldBeNull();
        cleared.Rule.Basis.ShouldBe("re-read");
    }

    [Fact]
    public void Swap_OtherRuleChanged_KeepsTheRunningOnDelayOfAnUnchangedRule()
    {
        // Arrange: temp.high (60 s on-delay) starts pending.
        Feed(Gas1, "temp", 45).ShouldBeEmpty();
        At(S(30));

        // Act: only ch4.high.l1 changes.
        var (change, transitions) = Swap(With(TestRegistry.Ch4HighL1 with { Limit = 15 }));

        // Assert: the on-delay keeps running from T0.
        transitions.ShouldBeEmpty();
        change.Changed.ShouldBe(["ch4.high.l1"]);
        change.Reset.ShouldBe(3);
        At(S(59));
        Timers().ShouldBeEmpty();
        At(S(60));
        var raised = Timers().ShouldHaveSingleItem();
        (raised.Kind, raised.Rule.Id, raised.Value).ShouldBe((RuleTransitionKind.Raised, "temp.high", 45));
    }

    [Fact]
    public void Swap_OffDelayRunning_IsKeptForAnUnchangedRule()
    {
        // Arrange: temp.high raised, then back to normal: off-delay (60 s) running since 100 s.
        Feed(Gas1, "temp", 45);
        At(S(60));
        Feed(Gas1, "temp", 45).ShouldHaveSingleItem();
        At(S(100));
        Feed(Gas1, "temp", 30).ShouldBeEmpty();

        // Act
        At(S(130));
        Swap(With(TestRegistry.O2LowL2 with { Message = "new text" })).Transitions.ShouldBeEmpty();

        // Assert
        At(S(160));
        Timers().ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void Swap_ActiveAlarmsRuleChanged_ClearsItWithTheReasonAndTheNextReadingRaisesItUnderTheNewRule()
    {
        // Arrange
        Feed(Gas1, "o2", 17).ShouldHaveSingleItem();
        Feed(Gas2, "o2", 17).ShouldHaveSingleItem();
        At(S(10));

        // Act: L2 moves from 18 to 17.5 %vol.
        var newRule = TestRegistry.O2LowL2 with { Limit = 17.5, Message = "O₂ below 17.5 %vol" };
        var (change, transitions) = Swap(With(newRule));

        // Assert: both clear with the reason (under the rule they were raised with), then re-raise on the next reading.
        transitions.Select(t => (t.Kind, t.SensorId, t.Reason, t.Rule.Limit, t.At)).ShouldBe(
        [
            (RuleTransitionKind.Cleared, $"{Gas1}.o2", RuleEngine.RuleChangedReason, 18.0, T0 + S(10)),
            (RuleTransitionKind.Cleared, $"{Gas2}.o2", RuleEngine.RuleChangedReason, 18.0, T0 + S(10)),
        ], ignoreOrder: true);
        change.Changed.ShouldBe(["o2.low.l2"]);
        change.ClearedAlarms.ShouldBe(2);
        At(S(11));
        var raised = Feed(Gas1, "o2", 17).ShouldHaveSingleItem();
        (raised.Kind, raised.Rule.Limit, raised.Rule.Message).ShouldBe((RuleTransitionKind.Raised, 17.5, "O₂ below 17.5 %vol"));
        Feed(Gas2, "o2", 17.8).ShouldBeEmpty(); // not below the new limit: stays normal
    }

    [Fact]
    public void Swap_ActiveAlarmsRuleRemoved_ClearsItWithTheReason()
    {
        // Arrange
        Feed(Gas1, "intrusion", 1).ShouldHaveSingleItem();

        // Act
        var (change, transitions) = Swap([.. Defaults.Where(r => r.Id != "intrusion")]);

        // Assert
        var cleared = transitions.ShouldHaveSingleItem();
        (cleared.Kind, cleared.Rule.Id, cleared.Reason, cleared.Value).ShouldBe((RuleTransitionKind.Cleared, "intrusion", RuleEngine.RuleRemovedReason, 1));
        change.Removed.ShouldBe(["intrusion"]);
        change.Changed.ShouldBeEmpty();
        Feed(Gas1, "intrusion", 1).ShouldBeEmpty();
        _sut.RuleInstances.ShouldBe(10);
    }

    [Fact]
    public void Swap_RuleDisabledOnTheSensorByAnOverride_ClearsItsActiveAlarmOnly()
    {
        // Arrange
        Feed(Gas1, "ch4", 30).ShouldHaveSingleItem();
        Feed(Gas2, "ch4", 30).ShouldHaveSingleItem();

        // Act
        var (change, transitions) = Swap(Defaults, new RuleOverride { RuleId = "ch4.high.l1", Scope = new RuleScope { DeviceId = Gas2 }, Enabled = false });

        // Assert: zone 1 keeps its alarm; zone 2 is cleared and no longer evaluated.
        var cleared = transitions.ShouldHaveSingleItem();
        (cleared.SensorId, cleared.Reason).ShouldBe(($"{Gas2}.ch4", RuleEngine.RuleDisabledReason));
        change.Changed.ShouldBe(["ch4.high.l1"]);
        (change.Unchanged, change.Reset).ShouldBe((12, 1));
        Feed(Gas2, "ch4", 50).ShouldBeEmpty();
        Feed(Gas1, "ch4", 5).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void Swap_OverrideChangesOneZone_ResetsOnlyThatSensorsState()
    {
        // Arrange
        Feed(Gas1, "ch4", 30).ShouldHaveSingleItem();
        Feed(Gas2, "ch4", 30).ShouldHaveSingleItem();

        // Act
        var (_, transitions) = Swap(Defaults, new RuleOverride { RuleId = "ch4.high.l1", Scope = new RuleScope { ZoneId = "test-rd-trunk-gas-z001" }, Limit = 25 });

        // Assert
        transitions.ShouldHaveSingleItem().SensorId.ShouldBe($"{Gas1}.ch4");
        Feed(Gas1, "ch4", 30).ShouldHaveSingleItem().Rule.Limit.ShouldBe(25);
        Feed(Gas2, "ch4", 30).ShouldBeEmpty();
    }

    [Fact]
    public void Swap_NewRule_IsReportedAsAddedAndEvaluated()
    {
        // Arrange
        var l2 = TestRegistry.Ch4HighL1 with { Id = "ch4.high.l2", Limit = 25, Priority = AlarmPriority.Critical };

        // Act
        var (change, transitions) = Swap([.. Defaults, l2]);

        // Assert
        transitions.ShouldBeEmpty();
        change.Added.ShouldBe(["ch4.high.l2"]);
        change.Removed.ShouldBeEmpty();
        change.Changed.ShouldBeEmpty();
        Feed(Gas1, "ch4", 26).Select(t => t.Rule.Id).ShouldBe(["ch4.high.l1", "ch4.high.l2"]);
    }

    [Fact]
    public void Swap_FilterWidened_ReportsTheRuleAsChanged()
    {
        var (change, _) = Swap(With(TestRegistry.CodHigh with { SiteKinds = [] }));

        change.Changed.ShouldBeEmpty(); // no device other than the plant has a cod sensor: same instances
        var (again, _) = Swap(With(TestRegistry.Ch4HighL1 with { CabinTypes = [CabinType.Power] }));
        again.Changed.ShouldBe(["ch4.high.l1"]);
        _sut.RuleInstances.ShouldBe(10);
    }

    [Fact]
    public void Swap_CompiledSetUsedTwice_Throws()
    {
        var compiled = _sut.Compile(new RuleSet(Defaults));
        _sut.Swap(compiled, Now, []);

        Should.Throw<InvalidOperationException>(() => _sut.Swap(compiled, Now, []));
    }

    [Fact]
    public void Swap_ThroughTheAlarmService_ClearedAlarmCarriesTheReasonAndTheReraiseTheNewRule()
    {
        // Arrange
        var alarms = new AlarmService([], _time);
        alarms.Apply(Feed(Gas1, "o2", 17));

        // Act
        At(S(5));
        var (_, transitions) = Swap(With(TestRegistry.O2LowL2 with { Limit = 17.5, Message = "O₂ below 17.5 %vol" }));
        alarms.Apply(transitions);
        var returned = alarms.Snapshot().Alarms.ShouldHaveSingleItem();
        At(S(6));
        alarms.Apply(Feed(Gas1, "o2", 17));

        // Assert
        (returned.State, returned.Reason, returned.Limit).ShouldBe(("ReturnedUnacknowledged", RuleEngine.RuleChangedReason, 18.0));
        var reraised = alarms.Snapshot().Alarms.ShouldHaveSingleItem();
        (reraised.State, reraised.Limit, reraised.Message, reraised.Reason).ShouldBe(("Unacknowledged", 17.5, "O₂ below 17.5 %vol", null));
    }

    [Fact]
    public void RestoreActive_AlarmRestoredAfterRestart_ClearsWhenTheValueIsNormal()
    {
        // Act
        var unmatched = _sut.RestoreActive([($"{Gas1}.o2", "o2.low.l2"), ($"{Gas2}.intrusion", "intrusion")]);

        // Assert: no raise for a value still in alarm, a clear when it is back.
        unmatched.ShouldBeEmpty();
        Feed(Gas1, "o2", 17).ShouldBeEmpty();
        var cleared = Feed(Gas1, "o2", 20.9).ShouldHaveSingleItem();
        (cleared.Kind, cleared.Rule.Id, cleared.Value).ShouldBe((RuleTransitionKind.Cleared, "o2.low.l2", 20.9));
        Feed(Gas2, "intrusion", 0).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void RestoreActive_RuleWithOffDelay_ClearsAfterTheOffDelay()
    {
        _sut.RestoreActive([($"{Gas1}.temp", "temp.high")]);

        Feed(Gas1, "temp", 25).ShouldBeEmpty();
        At(S(59));
        Timers().ShouldBeEmpty();
        At(S(60));
        Timers().ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void RestoreActive_WithoutRestore_NormalValueIsSilent()
    {
        // The situation RestoreActive exists for: without it, the engine knows of no alarm and says nothing.
        Feed(Gas1, "o2", 20.9).ShouldBeEmpty();
    }

    [Fact]
    public void RestoreActive_UnknownSensorsAndRules_AreReturnedAndChangeNothing()
    {
        // Act
        var unmatched = _sut.RestoreActive(
        [
            ("no-such-device.o2", "o2.low.l2"),
            ($"{Gas1}.o2", "no.such.rule"),
            ($"{Gas1}.o2", "ch4.high.l1"),
            ("not-a-sensor-id", "o2.low.l2"),
            ($"{Gas1}.ch4", "ch4.high.l1"),
        ]);

        // Assert
        unmatched.ShouldBe(
        [
            ("no-such-device.o2", "o2.low.l2"),
            ($"{Gas1}.o2", "no.such.rule"),
            ($"{Gas1}.o2", "ch4.high.l1"),
            ("not-a-sensor-id", "o2.low.l2"),
        ]);
        Feed(Gas1, "o2", 20.9).ShouldBeEmpty();
        Feed(Gas1, "ch4", 0).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void RestoreActive_AlreadyActive_StaysActiveWithoutASecondRaise()
    {
        Feed(Gas1, "o2", 17).ShouldHaveSingleItem();

        _sut.RestoreActive([($"{Gas1}.o2", "o2.low.l2")]).ShouldBeEmpty();

        Feed(Gas1, "o2", 16).ShouldBeEmpty();
        Feed(Gas1, "o2", 20.9).ShouldHaveSingleItem().Kind.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void RestoreActive_ThenSwapChangingTheRule_ClearsTheRestoredAlarm()
    {
        _sut.RestoreActive([($"{Gas1}.o2", "o2.low.l2")]);

        var (_, transitions) = Swap(With(TestRegistry.O2LowL2 with { Limit = 17 }));

        (transitions.ShouldHaveSingleItem().Kind, transitions[0].Reason).ShouldBe((RuleTransitionKind.Cleared, RuleEngine.RuleChangedReason));
    }
}
