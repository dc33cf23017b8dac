using Lifeline.Benchmarks.Reporting;

namespace Lifeline.Benchmarks.Tests;

public sealed class TargetTests
{
    [Fact]
    public void PublishedTargets_AreTheAgreedBounds()
    {
        Target.CityLatencyP99.Limit.ShouldBe(20);
        Target.TenfoldLatencyP99.Limit.ShouldBe(200);
        Target.Rss.Limit.ShouldBe(400);
    }

    [Theory]
    [InlineData(19.9, true)]
    [InlineData(20.0, true)]
    [InlineData(20.01, false)]
    [InlineData(double.NaN, false)]
    public void IsMet_AtOrUnderTheLimitOnly(double p99, bool met) => Target.CityLatencyP99.IsMet(p99).ShouldBe(met);

    [Fact]
    public void Verdict_NamesTheOutcomeAndTheBound()
    {
        Target.Rss.Verdict(399).ShouldBe("pass (≤ 400 MB)");
        Target.TenfoldLatencyP99.Verdict(250.5).ShouldBe("**FAIL** (≤ 200 ms)");
    }
}
