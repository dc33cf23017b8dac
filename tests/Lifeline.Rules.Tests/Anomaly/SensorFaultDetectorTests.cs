using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class SensorFaultDetectorTests
{
    private static SensorFaultDetector Create(AnomalyOptions? options = null) => new(Device(), O2, options ?? new AnomalyOptions());

    [Fact]
    public void Evaluate_InRangeSeries_NeverRaises()
    {
        // Arrange: O₂ swings over its whole 0–25 %vol span, including both ends.
        var series = Sine(1000, 12.5, 12.5, 50);

        // Act / Assert
        Run(Create(), O2, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_ValueAboveMaxAtSample10_RaisesAt10AndClearsAfterThreeInRange()
    {
        // Arrange: 20.9 everywhere except 26 (> 25 %vol) at sample 10.
        var series = Enumerable.Repeat(20.9, 30).ToArray();
        series[10] = 26;

        // Act
        var transitions = Run(Create(), O2, series);

        // Assert
        transitions.Count.ShouldBe(2);
        transitions[0].Index.ShouldBe(10);
        transitions[0].Transition.ShouldBe(AnomalyKinds.SensorFault, RuleTransitionKind.Raised, Sec(10));
        transitions[0].Transition.Value.ShouldBe(26);
        transitions[0].Transition.Channel.ShouldBeSameAs(O2);
        transitions[0].Transition.SensorId.ShouldBe($"{DeviceId}.o2");
        transitions[0].Transition.Detail.ShouldBe("26 outside 0…25 %vol");
        transitions[1].Index.ShouldBe(13);
        transitions[1].Transition.ShouldBe(AnomalyKinds.SensorFault, RuleTransitionKind.Cleared, Sec(13));
    }

    [Fact]
    public void Evaluate_FaultAgainBeforeClear_RestartsTheClearCountWithoutSecondRaise()
    {
        // Arrange: bad at 10 and 13; the clear needs 14, 15, 16.
        var series = Enumerable.Repeat(20.9, 30).ToArray();
        series[10] = -1;
        series[13] = 30;

        // Act
        var transitions = Run(Create(), O2, series);

        // Assert
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe([(10, RuleTransitionKind.Raised), (16, RuleTransitionKind.Cleared)]);
    }

    [Fact]
    public void Evaluate_NaN_IsASensorFault()
    {
        // Act
        var transitions = Feed(Create(), O2, double.NaN, 0);

        // Assert
        transitions.ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Raised);
    }

    [Fact]
    public void Evaluate_ClearDurationConfigured_ClearsOnlyOnceInRangeForThatLong()
    {
        // Arrange: one clean sample suffices, but it must stay clean for 10 s.
        var options = new AnomalyOptions();
        options.ForSensorType("o2").SensorFault.ClearSamples = 1;
        options.ForSensorType("o2").SensorFault.ClearDuration = TimeSpan.FromSeconds(10);
        var series = Enumerable.Repeat(20.9, 40).ToArray();
        series[5] = 26;

        // Act
        var transitions = Run(Create(options), O2, series);

        // Assert: first clean sample at 6, so the clear comes at 16.
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe([(5, RuleTransitionKind.Raised), (16, RuleTransitionKind.Cleared)]);
    }
}
