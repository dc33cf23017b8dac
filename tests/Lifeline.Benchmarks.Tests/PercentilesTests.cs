using Lifeline.Benchmarks.Reporting;

namespace Lifeline.Benchmarks.Tests;

public sealed class PercentilesTests
{
    [Fact]
    public void Of_HundredSamples_NearestRank()
    {
        // 1..100 shuffled: the nearest rank of p is ceil(p × 100).
        var samples = Enumerable.Range(1, 100).Select(i => (double)i).OrderBy(v => (v * 37) % 101).ToArray();

        Percentiles.Of(samples, 0.5).ShouldBe(50);
        Percentiles.Of(samples, 0.99).ShouldBe(99);
        Percentiles.Of(samples, 1).ShouldBe(100);
        Percentiles.Of(samples, 0.001).ShouldBe(1);
    }

    [Fact]
    public void Of_TwoHundredSamples_P99IsThe198th()
    {
        var samples = Enumerable.Range(1, 200).Select(i => i * 0.5).Reverse().ToArray();

        Percentiles.Of(samples, 0.99).ShouldBe(99.0);
        Percentiles.Of(samples, 0.5).ShouldBe(50.0);
    }

    [Fact]
    public void Of_OneSample_IsThatSampleForEveryP()
    {
        Percentiles.Of([7.5], 0.01).ShouldBe(7.5);
        Percentiles.Of([7.5], 0.99).ShouldBe(7.5);
    }

    [Fact]
    public void Of_BadInput_SaysWhatIsWrong()
    {
        Should.Throw<ArgumentException>(() => Percentiles.Of([], 0.5)).Message.ShouldContain("no samples");
        Should.Throw<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 0)).Message.ShouldContain("(0, 1]");
        Should.Throw<ArgumentOutOfRangeException>(() => Percentiles.Of([1.0], 1.5)).Message.ShouldContain("(0, 1]");
        Should.Throw<ArgumentException>(() => Percentiles.Of([1.0, double.NaN], 0.5)).Message.ShouldContain("NaN");
    }

    [Fact]
    public void Median_OddCount_IsTheMiddleValue() => Percentiles.Median([9.0, 1.0, 4.0]).ShouldBe(4.0);

    [Fact]
    public void Median_EvenCount_IsTheMeanOfTheTwoMiddleValues() => Percentiles.Median([10.0, 1.0, 4.0, 6.0]).ShouldBe(5.0);

    [Fact]
    public void Median_WithAMissingValue_IsMissing() => double.IsNaN(Percentiles.Median([1.0, double.NaN, 3.0])).ShouldBeTrue();

    [Fact]
    public void Median_NoValues_Throws() => Should.Throw<ArgumentException>(() => Percentiles.Median([])).Message.ShouldContain("no values");
}
