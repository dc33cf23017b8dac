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
    public void Evaluate_NoisyRiseAfterAQuietStretch_IsNotASpike()
    {
        // Arrange: the simulator's gas-regulator flow (0–50000 Nm³/h, so the smallest spike is 1000) after a quiet
        // stretch, rising ≈ 100 Nm³/h a second with ±250 of reading noise. 28658.2 stands 1023 above the median of a
        // window whose MAD collapsed (robust z 6.9); the next reading, 28302.1, is under the 1000 floor but still 667 above
        // the median, less than half-way back: the rise goes on, nothing came back.
        var flow = new Lifeline.Domain.Assets.Channel("flow", new("gas_flow", "Gas flow", "Nm³/h", Lifeline.Domain.Assets.ChannelKind.Analog, 0, 50000, "gas"), 0, 50000);
        double[] series =
        [
            27425.9, 27459.6, 27477.5, 27530.9, 27812.5, 27595.2, 27383.5, 27734.8, 27635.2, 27624.2, 27633.6, 27623.6, 27561.4, 27616.3, 28089.5,
            27904.2, 27840.0, 28334.3, 28216.7, 28569.8, 28658.2, 28302.1, 28787.6, 28786.7, 28970.4, 28886.2, 28823.4, 28741.1, 29095.1, 29020.8,
        ];

        // Act / Assert
        Run(new SpikeDetector(Device(), flow, new AnomalyOptions()), flow, series).ShouldBeEmpty();
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
