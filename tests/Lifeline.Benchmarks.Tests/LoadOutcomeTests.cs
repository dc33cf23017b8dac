using System.Text.Json;
using Lifeline.Benchmarks.Reporting;

namespace Lifeline.Benchmarks.Tests;

/// <summary>A load repeat runs in a child process and comes back as JSON: nothing may be lost on the way.</summary>
public sealed class LoadOutcomeTests
{
    [Fact]
    public void Json_RoundTrip_KeepsEveryFigure()
    {
        var repeat = new LoadRepeat
        {
            Samples = [new LatencySample(3.25, 2.5, 0.75, 0.125, 1.5), new LatencySample(40, 30, 10, 8, 2)],
            OfferedMessagesPerSecond = 12_230,
            AchievedMessagesPerSecond = 12_101.5,
            EvaluatedReadingsPerSecond = 118_000,
            StoredPointsPerSecond = 40_000,
            StorageLagSeconds = 12.5,
            RssMegabytes = [210.5, 230.25],
            ProcessCores = 1.25,
            MachineCores = 2,
            Collections = [30, 4, 1],
            MaxThreadPoolQueue = 17,
            LockContentions = 250,
            RunQueueWait = 3.5,
            Lost = 1,
        };
        var outcome = new ReportHarness.LoadOutcome(repeat, "10× city load", "1.6.7~rc0");

        var back = JsonSerializer.Deserialize<ReportHarness.LoadOutcome>(JsonSerializer.Serialize(outcome, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!;

        back.Description.ShouldBe("10× city load");
        back.InfluxVersion.ShouldBe("1.6.7~rc0");
        back.Repeat.Samples.ShouldBe(repeat.Samples);
        back.Repeat.Totals.ShouldBe([3.25, 40, double.PositiveInfinity]);
        back.Repeat.RssMegabytes.ShouldBe(repeat.RssMegabytes);
        back.Repeat.Collections.ShouldBe(repeat.Collections);
        (back.Repeat with { Samples = repeat.Samples, RssMegabytes = repeat.RssMegabytes, Collections = repeat.Collections }).ShouldBe(repeat);
    }
}
