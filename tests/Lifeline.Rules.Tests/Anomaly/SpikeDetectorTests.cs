using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class SpikeDetectorTests
{
    /// <summary>Temperature 20 ± 5 °C, period 120 samples (built-in settings: window 15, z 6, return z 3, 2 °C minimum).</summary>
    private static double[] CleanSine(int count = 1000) => Sine(count, 20, 5, 120);

    private static SpikeDetector Create(Lifeline.Domain.Assets.Channel? channel = null) => new(Device(), channel ?? Temp, new AnomalyOptions());

    [Fact]
    public void Evaluate_CleanSine_NeverRaises()
    {
        // Act / Assert
        Run(Create(), Temp, CleanSine(5000)).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_CleanSineWithOneSpikeAt500_RaisesOnceAt500AndClearsAt503()
    {
        // Arrange
        var series = CleanSine();
        series[500] += 15;

        // Act
        var transitions = Run(Create(), Temp, series);

        // Assert: the raise is known when sample 501 is back, and is dated at the spike itself.
        transitions.Count.ShouldBe(2);
        var (raisedAt, raised) = transitions[0];
        raisedAt.ShouldBe(501);
        raised.ShouldBe(AnomalyKinds.Spike, RuleTransitionKind.Raised, Sec(500));
        raised.Value.ShouldBe(series[500]);
        raised.Channel.ShouldBeSameAs(Temp);
        raised.Detail.ShouldContain("robust z");
        var (clearedAt, cleared) = transitions[1];
        clearedAt.ShouldBe(503);
        cleared.ShouldBe(AnomalyKinds.Spike, RuleTransitionKind.Cleared, Sec(503));
    }

    [Fact]
    public void Evaluate_NegativeSpike_IsDetectedToo()
    {
        // Arrange
        var series = CleanSine();
        series[700] -= 15;

        // Act
        var transitions = Run(Create(), Temp, series);

        // Assert
        transitions.Select(t => (t.Transition.Change, t.Transition.At)).ShouldBe([(RuleTransitionKind.Raised, Sec(700)), (RuleTransitionKind.Cleared, Sec(703))]);
    }

    [Fact]
    public void Evaluate_LevelShiftAt500_IsNotASpike()
    {
        // Arrange: +15 °C from sample 500 on.
        var series = CleanSine();
        for (var i = 500; i < series.Length; i++)
        {
            series[i] += 15;
        }

        // Act / Assert
        Run(Create(), Temp, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_TwoSampleExcursion_IsNotASpike()
    {
        // Arrange
        var series = CleanSine();
        series[500] += 15;
        series[501] += 15;

        // Act / Assert
        Run(Create(), Temp, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_TwoSpikesFarApart_RaiseTwice()
    {
        // Arrange
        var series = CleanSine();
        series[300] += 12;
        series[600] -= 12;

        // Act
        var transitions = Run(Create(), Temp, series);

        // Assert
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe(
            [(301, RuleTransitionKind.Raised), (303, RuleTransitionKind.Cleared), (601, RuleTransitionKind.Raised), (603, RuleTransitionKind.Cleared)]);
    }

    [Fact]
    public void Evaluate_FlatSignalWithZeroMad_NeedsTheMinimumDeviation()
    {
        // Arrange: O₂ constant 20.9 (MAD 0); the minimum spike is 2 % of 25 %vol = 0.5.
        var series = Enumerable.Repeat(20.9, 300).ToArray();
        series[100] = 21.2;
        series[200] = 22.9;

        // Act
        var transitions = Run(Create(O2), O2, series);

        // Assert
        transitions.Select(t => (t.Transition.Change, t.Transition.At)).ShouldBe([(RuleTransitionKind.Raised, Sec(200)), (RuleTransitionKind.Cleared, Sec(203))]);
    }

    [Fact]
    public void Evaluate_SpikeDuringWarmUp_IsNotJudged()
    {
        // Arrange: the window needs 15 readings first.
        var series = CleanSine(100);
        series[10] += 15;

        // Act / Assert
        Run(Create(), Temp, series).ShouldBeEmpty();
    }
}
