using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class DriftDetectorTests
{
    private const double Lambda = 0.2;
    private const double L = 3;

    /// <summary>
    /// The number of samples after a noise-free step of <paramref name="shiftInSigma"/> σ until the EWMA
    /// (started on target) leaves L·σ·√(λ/(2 − λ)): the smallest n with δ(1 − (1 − λ)ⁿ) &gt; limit.
    /// </summary>
    private static int SamplesToSignal(double shiftInSigma) =>
        (int)Math.Floor(Math.Log(1 - (L * Math.Sqrt(Lambda / (2 - Lambda)) / shiftInSigma)) / Math.Log(1 - Lambda)) + 1;

    private static DriftDetector Configured(double target, double sigma)
    {
        var options = new AnomalyOptions();
        var drift = options.ForSensorType("temp").Drift;
        drift.Target = target;
        drift.Sigma = sigma;
        drift.MinShift = 0;
        return new DriftDetector(Device(), Temp, options);
    }

    [Fact]
    public void SamplesToSignal_FourSigmaStep_IsTwo()
    {
        // Assert: limit = 3·√(0.2/1.8) = 1σ; after 1 sample a 4σ step moves the EWMA 0.8σ, after 2 samples 1.44σ.
        SamplesToSignal(4).ShouldBe(2);
        SamplesToSignal(2).ShouldBe(4);
        SamplesToSignal(1.5).ShouldBe(5);
    }

    [Theory]
    [InlineData(4.0)]
    [InlineData(2.0)]
    [InlineData(1.5)]
    public void Evaluate_ConfiguredBaselineAndStep_RaisesAfterTheComputedNumberOfSamples(double shiftInSigma)
    {
        // Arrange: target 20, σ 0.5; step at sample 100.
        var sut = Configured(20, 0.5);
        var series = Enumerable.Range(0, 300).Select(i => i < 100 ? 20 : 20 + (shiftInSigma * 0.5)).ToArray();

        // Act
        var transitions = Run(sut, Temp, series);

        // Assert
        var (index, raised) = transitions.ShouldHaveSingleItem();
        index.ShouldBe(100 + SamplesToSignal(shiftInSigma) - 1);
        raised.ShouldBe(AnomalyKinds.Drift, RuleTransitionKind.Raised, Sec(index));
        sut.Limit.ShouldBe(0.5, 1e-12);
    }

    [Fact]
    public void Evaluate_StepBackToTarget_ClearsAfterTheEwmaReturnsPlusFiveSamples()
    {
        // Arrange: +4σ from 100 to 199, back on target from 200.
        var series = Enumerable.Range(0, 300).Select(i => i is >= 100 and < 200 ? 24.0 : 20.0).ToArray();

        // Act
        var transitions = Run(Configured(20, 1), Temp, series);

        // Assert: back inside when 4·0.8ᵏ ≤ 1, k = 7 (sample 206); the 5th clean sample is 210.
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe([(101, RuleTransitionKind.Raised), (210, RuleTransitionKind.Cleared)]);
    }

    [Fact]
    public void Evaluate_WarmUp_EstimatesTargetAndSigmaThenSignalsAFourSigmaStepInTwoSamples()
    {
        // Arrange: 120 warm-up samples alternating 19/21 (mean 20, sample σ √(120/119)), then a clean step to 24.
        var options = new AnomalyOptions();
        options.Defaults.Drift.MinShift = 0;
        var sut = new DriftDetector(Device(), Temp, options);
        var series = Enumerable.Range(0, 200).Select(i => i < 120 ? (i % 2 == 0 ? 21.0 : 19.0) : 24.0).ToArray();

        // Act
        var transitions = Run(sut, Temp, series);

        // Assert
        sut.IsReady.ShouldBeTrue();
        sut.Target.ShouldBe(20, 1e-9);
        sut.Limit.ShouldBe(Math.Sqrt(120.0 / 119.0), 1e-9);
        transitions.ShouldHaveSingleItem().Index.ShouldBe(120 + 1);
    }

    [Fact]
    public void Evaluate_GaussianWarmUpThenFourSigmaStep_RaisesWithinAFewSamples()
    {
        // Arrange: N(20, 1) for the 120-sample warm-up, then N(24, 1). Noise-free the signal comes at the 2nd sample;
        // the EWMA's own σ is 0.33, so by the 5th sample the mean is 2.7σ_EWMA past the limit.
        var options = new AnomalyOptions();
        options.Defaults.Drift.MinShift = 0;
        var series = Gaussian(120, 20, 1, seed: 7).Concat(Gaussian(100, 24, 1, seed: 8)).ToArray();

        // Act
        var transitions = Run(new DriftDetector(Device(), Temp, options), Temp, series);

        // Assert
        transitions.ShouldNotBeEmpty();
        transitions[0].Transition.Change.ShouldBe(RuleTransitionKind.Raised);
        transitions[0].Index.ShouldBeInRange(120, 120 + 4);
    }

    [Fact]
    public void Evaluate_NoiseInsideConfiguredLimits_NeverRaises()
    {
        // Arrange: |x − target| ≤ 0.9 always, limit 1: the EWMA, a weighted mean of such values, cannot leave.
        var series = UniformNoise(20_000, 20, 0.9, seed: 3);

        // Act / Assert
        Run(Configured(20, 1), Temp, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_MinShift_FloorsTheLimit()
    {
        // Arrange: σ configured tiny; the built-in floor is 1 % of temp's 100 °C span = 1 °C.
        var options = new AnomalyOptions();
        options.ForSensorType("temp").Drift.Target = 20;
        options.ForSensorType("temp").Drift.Sigma = 0.001;
        var sut = new DriftDetector(Device(), Temp, options);

        // Act / Assert
        Run(sut, Temp, Enumerable.Repeat(20.9, 500).ToArray()).ShouldBeEmpty();
        sut.Limit.ShouldBe(1, 1e-12);
        Run(sut, Temp, [21.5, 21.5, 21.5, 21.5, 21.5, 21.5, 21.5, 21.5, 21.5, 21.5]).ShouldNotBeEmpty();
    }
}
