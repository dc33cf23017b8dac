using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class RateOfChangeDetectorTests
{
    /// <summary>Temperature limited to 0.5 °C/s.</summary>
    private static RateOfChangeDetector Create(double maxRate = 0.5)
    {
        var options = new AnomalyOptions();
        options.ForSensorType("temp").RateOfChange.MaxRatePerSecond = maxRate;
        return new RateOfChangeDetector(Device(), Temp, options);
    }

    [Fact]
    public void Constructor_NoLimitConfigured_UsesTenPercentOfSpanPerSecond()
    {
        // Act / Assert: temp spans −20…80 °C.
        new RateOfChangeDetector(Device(), Temp, new AnomalyOptions()).MaxRatePerSecond.ShouldBe(10, 1e-12);
        new RateOfChangeDetector(Device(), O2, new AnomalyOptions()).MaxRatePerSecond.ShouldBe(2.5, 1e-12);
    }

    [Fact]
    public void Evaluate_RampBelowLimitThenStepAtSample100_RaisesExactlyAt100AndClearsAt103()
    {
        // Arrange: a 0.25 °C/s ramp, then +2 °C on top from sample 100 on (2.25 °C/s for one second).
        var series = Enumerable.Range(0, 200).Select(i => 10 + (0.25 * i) + (i >= 100 ? 2 : 0)).ToArray();

        // Act
        var transitions = Run(Create(), Temp, series);

        // Assert
        transitions.Count.ShouldBe(2);
        transitions[0].Index.ShouldBe(100);
        transitions[0].Transition.ShouldBe(AnomalyKinds.RateOfChange, RuleTransitionKind.Raised, Sec(100));
        transitions[0].Transition.Value.ShouldBe(series[100]);
        transitions[0].Transition.Detail.ShouldBe("+2.25 °C in 1 s = 2.25/s, limit 0.5/s");
        transitions[1].Index.ShouldBe(103);
        transitions[1].Transition.ShouldBe(AnomalyKinds.RateOfChange, RuleTransitionKind.Cleared, Sec(103));
    }

    [Fact]
    public void Evaluate_PollsCloserThanTheDeviceInterval_CountTheIntervalSoAStepIsNotAHugeRate()
    {
        // Arrange: a 1 s device whose value steps by 0.4 °C each second, polled every 10 ms (a step falls between two
        // polls 10 ms apart: 40 °C/s if Δt were taken as is); then a real 3 °C jump.
        var detector = Create();
        var transitions = new List<AnomalyTransition>();
        for (var i = 0; i < 500; i++)
        {
            var t = i * 0.01;
            detector.Evaluate(Reading(Temp, 20 + (0.4 * Math.Floor(t)), t), Sec(t), transitions);
        }

        transitions.ShouldBeEmpty();
        detector.Evaluate(Reading(Temp, 25, 5.01), Sec(5.01), transitions);

        // Assert: counted over the 1 s interval, not 10 ms.
        transitions.ShouldHaveSingleItem().Detail.ShouldBe("+3.4 °C in 1 s = 3.4/s, limit 0.5/s");
    }

    [Fact]
    public void Evaluate_RateExactlyAtLimit_DoesNotRaise()
    {
        // Arrange: exactly 0.5 °C per second (exact in binary).
        var series = Enumerable.Range(0, 100).Select(i => 0.5 * i).ToArray();

        // Act / Assert
        Run(Create(), Temp, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_FallingStep_RaisesOnMagnitude()
    {
        // Arrange
        var series = Enumerable.Repeat(25.0, 20).Concat(Enumerable.Repeat(22.0, 20)).ToArray();

        // Act
        var transitions = Run(Create(), Temp, series);

        // Assert
        transitions[0].Index.ShouldBe(20);
        transitions[0].Transition.Detail.ShouldStartWith("-3 °C in 1 s");
    }

    [Fact]
    public void Evaluate_SameChangeOverLongerInterval_UsesTheTimestamps()
    {
        // Arrange: +2 °C per sample, but samples 10 s apart: 0.2 °C/s.
        var series = Enumerable.Range(0, 50).Select(i => 2.0 * i).ToArray();

        // Act / Assert
        Run(Create(), Temp, series, periodSeconds: 10).ShouldBeEmpty();
        Run(Create(), Temp, series, periodSeconds: 1).Count.ShouldBe(1);
    }

    [Fact]
    public void Evaluate_ReadingNotNewerThanThePrevious_IsIgnored()
    {
        // Arrange
        var sut = Create();
        Feed(sut, Temp, 20, 0).ShouldBeEmpty();

        // Act / Assert: a different value at the same timestamp would be an infinite rate.
        Feed(sut, Temp, 30, 0).ShouldBeEmpty();
        Feed(sut, Temp, 30, -5).ShouldBeEmpty();
        Feed(sut, Temp, 20.4, 1).ShouldBeEmpty();
    }
}
