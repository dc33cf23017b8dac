using Lifeline.Domain.Assets;
using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class FlatlineDetectorTests
{
    private const int N = 60;

    /// <summary>Count-based flat line: N unchanged readings after the first of the run, no duration criterion.</summary>
    private static FlatlineDetector CountBased(Channel channel)
    {
        var options = new AnomalyOptions();
        options.Defaults.Flatline.Readings = N;
        options.Defaults.Flatline.Duration = TimeSpan.Zero;
        return new FlatlineDetector(Device(), channel, options);
    }

    /// <summary>A temperature sine that freezes at the value of sample <paramref name="freezeAt"/>.</summary>
    private static double[] FreezingSine(int count, int freezeAt)
    {
        var series = Sine(count, 20, 5, 120);
        for (var i = freezeAt + 1; i < count; i++)
        {
            series[i] = series[freezeAt];
        }

        return series;
    }

    [Fact]
    public void Evaluate_SeriesFreezingAt300_RaisesAt300PlusN()
    {
        // Arrange
        var series = FreezingSine(1000, 300);

        // Act
        var transitions = Run(CountBased(Temp), Temp, series);

        // Assert
        var (index, raised) = transitions.ShouldHaveSingleItem();
        index.ShouldBe(300 + N);
        raised.ShouldBe(AnomalyKinds.Flatline, RuleTransitionKind.Raised, Sec(300 + N));
        raised.Value.ShouldBe(series[300]);
        raised.Detail.ShouldBe("unchanged at " + series[300].ToString("G6", System.Globalization.CultureInfo.InvariantCulture) + " for 61 readings (60 s)");
    }

    [Fact]
    public void Evaluate_BuiltInDuration_RaisesAfterOneHourOfReadingTime()
    {
        // Arrange: built-in settings (1 h, no count); 1 Hz.
        var series = FreezingSine(4000, 300);

        // Act
        var transitions = Run(new FlatlineDetector(Device(), Temp, new AnomalyOptions()), Temp, series);

        // Assert
        transitions.ShouldHaveSingleItem().Index.ShouldBe(300 + 3600);
    }

    [Fact]
    public void Evaluate_DurationCriterionAtSlowPolling_CountsTime()
    {
        // Arrange: one reading per 60 s; 1 h is 60 readings after the first.
        var series = FreezingSine(200, 50);

        // Act
        var transitions = Run(new FlatlineDetector(Device(), Temp, new AnomalyOptions()), Temp, series, periodSeconds: 60);

        // Assert
        transitions.ShouldHaveSingleItem().Transition.At.ShouldBe(Sec(60 * (50 + 60)));
    }

    [Fact]
    public void Evaluate_FrozenThenMovingAgain_ClearsAfterThreeReadingsAwayFromTheStuckValue()
    {
        // Arrange: frozen 300…499, moving again from 500.
        var series = Sine(700, 20, 5, 120);
        for (var i = 301; i < 500; i++)
        {
            series[i] = series[300];
        }

        // Act
        var transitions = Run(CountBased(Temp), Temp, series);

        // Assert
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe([(360, RuleTransitionKind.Raised), (502, RuleTransitionKind.Cleared)]);
    }

    [Fact]
    public void Evaluate_StuckAtANewValueAfterClear_RaisesAgain()
    {
        // Arrange: stuck at 10 from 0, at 30 from 100.
        var series = Enumerable.Repeat(10.0, 100).Concat(Enumerable.Repeat(30.0, 100)).ToArray();

        // Act
        var transitions = Run(CountBased(Temp), Temp, series);

        // Assert
        transitions.Select(t => (t.Index, t.Transition.Change)).ShouldBe(
            [(60, RuleTransitionKind.Raised), (102, RuleTransitionKind.Cleared), (160, RuleTransitionKind.Raised)]);
    }

    [Fact]
    public void Evaluate_ZeroReadingCh4_NeverFlatlines()
    {
        // Arrange: CH₄ is NormallyZero in the built-in overrides; 2 h of 0.0 at 1 Hz.
        var series = new double[7200];

        // Act / Assert
        Run(CountBased(Ch4), Ch4, series).ShouldBeEmpty();
        Run(new FlatlineDetector(Device(), Ch4, new AnomalyOptions()), Ch4, series).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_Ch4StuckAwayFromZero_StillFlatlines()
    {
        // Arrange: 12 %LEL for 100 readings is far outside the zero band (1 %LEL).
        var series = Enumerable.Repeat(12.0, 100).ToArray();

        // Act / Assert
        Run(CountBased(Ch4), Ch4, series).ShouldHaveSingleItem().Index.ShouldBe(N);
    }

    [Fact]
    public void Evaluate_ZeroReadingO2_Flatlines()
    {
        // Arrange: O₂ is not NormallyZero.
        var series = new double[100];

        // Act / Assert
        Run(CountBased(O2), O2, series).ShouldHaveSingleItem().Index.ShouldBe(N);
    }

    [Fact]
    public void Evaluate_ChangesBelowEpsilon_CountAsUnchanged()
    {
        // Arrange: a tolerance of 0.05 °C; the value wobbles by ±0.01.
        var options = new AnomalyOptions();
        options.Defaults.Flatline.Readings = N;
        options.Defaults.Flatline.Epsilon = 0.05;
        var series = Enumerable.Range(0, 100).Select(i => 20 + (i % 2 == 0 ? 0.01 : -0.01)).ToArray();

        // Act / Assert
        Run(new FlatlineDetector(Device(), Temp, options), Temp, series).ShouldHaveSingleItem().Index.ShouldBe(N);
    }
}
