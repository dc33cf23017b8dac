using Lifeline.Benchmarks.Reporting;

namespace Lifeline.Benchmarks.Tests;

public sealed class ReportWriterTests
{
    [Fact]
    public void LoadSummary_GivesMediansOverRepeatsAndTheHighestRss()
    {
        // Repeats whose p99 (nearest rank of 100 samples = the 99th) is 9, 30 and 12 ms: the median is 12.
        LoadRepeat[] repeats = [Repeat(p99: 9, rss: [100, 120]), Repeat(p99: 30, rss: [110, 300]), Repeat(p99: 12, rss: [105, 115])];

        var summary = LoadSummary.Of(repeats);

        summary.P99.ShouldBe(12);
        summary.P99Lowest.ShouldBe(9);
        summary.P99Highest.ShouldBe(30);
        summary.P50.ShouldBe(1);
        summary.RssHighest.ShouldBe(300);
        summary.RssMedian.ShouldBe(110);
        summary.BrokerP50.ShouldBe(0.3);
        summary.BrokerP99.ShouldBe(0.4);
        summary.Samples.ShouldBe(300); // the median of the repeats' medians 110, 205 and 110
    }

    [Fact]
    public void LoadSummary_LostSamplesCountAsInfiniteLatencies()
    {
        // 100 delivered samples and 2 lost: the p99 (the 101st of 102) is a lost one, so the target fails.
        var summary = LoadSummary.Of([Repeat(p99: 9, rss: [100]) with { Lost = 2 }]);

        summary.P99.ShouldBe(double.PositiveInfinity);
        summary.P50.ShouldBe(1);
        summary.Lost.ShouldBe(2);
        Target.CityLatencyP99.IsMet(summary.P99).ShouldBeFalse();
    }

    [Fact]
    public void LoadSummary_RepeatThatLostEverySample_HasNoPartsAndFails()
    {
        LoadRepeat[] repeats = [Repeat(p99: 9, rss: [100]), Repeat(p99: 9, rss: [100]) with { Samples = [], Lost = 2 }];

        var summary = LoadSummary.Of(repeats);

        summary.P99.ShouldBe(double.PositiveInfinity); // the median of 9 and ∞
        double.IsNaN(summary.IngestP50).ShouldBeTrue();
        summary.Samples.ShouldBe(100);
        summary.Lost.ShouldBe(2);
        TailBreakdown.Of([], 0.99).Count.ShouldBe(0);
        ReportWriter.Write(new BenchmarkReport(Conditions(), [new ThroughputRepeat(1, 1, 1)], [new LoadResult(10, "10×", Target.TenfoldLatencyP99, repeats)]))
            .ShouldSatisfyAllConditions(
                m => m.ShouldContain("| **FAIL** (≤ 200 ms) |"),
                m => m.ShouldContain("**∞ ms**"),
                m => m.ShouldContain("| 100 (2 lost) |"));
    }

    [Theory]
    [InlineData(1274, 1274, true)]
    [InlineData(1274, 1249, true)]   // 98.0 %
    [InlineData(1274, 1248, false)]  // 97.96 %
    [InlineData(0, 0, false)]
    public void LoadSummary_RateKept_WhenAtLeast98PercentDelivered(double offered, double achieved, bool kept) =>
        LoadSummary.Of([Repeat(p99: 5, rss: [100]) with { OfferedMessagesPerSecond = offered, AchievedMessagesPerSecond = achieved }]).RateKept.ShouldBe(kept);

    [Fact]
    public void TailBreakdown_SplitsTheSlowestSamples()
    {
        var samples = Enumerable.Range(1, 98).Select(i => new LatencySample(1, 0.5, 0.5, 0, 0.3))
            .Append(new LatencySample(40, 30, 10, 8, 2))
            .Append(new LatencySample(60, 10, 50, 0, 1))
            .ToArray();

        var tail = TailBreakdown.Of(samples, 0.99);

        tail.Threshold.ShouldBe(40);
        tail.Count.ShouldBe(2);
        tail.MeanTotal.ShouldBe(50);
        tail.MeanBroker.ShouldBe(1.5);
        tail.MeanIngest.ShouldBe(20);
        tail.MeanPush.ShouldBe(30);
        tail.WithGcPause.ShouldBe(1);
        tail.MeanGcPause.ShouldBe(4);
    }

    [Fact]
    public void Write_TableHasEveryFigureBesideItsRawLimitsAndVerdict()
    {
        var report = new BenchmarkReport(
            Conditions(),
            [new ThroughputRepeat(50_000, 200_000, 40_000), new ThroughputRepeat(40_000, 100_000, 30_000), new ThroughputRepeat(60_000, 150_000, 35_000)],
            [
                new LoadResult(1, "every device at 1 msg/s", Target.CityLatencyP99, [Repeat(p99: 9, rss: [150, 180]) with { EvaluatedReadingsPerSecond = 12_000 }]),
                new LoadResult(10, "every MQTT device at 10 msg/s", Target.TenfoldLatencyP99, [Repeat(p99: 250, rss: [300]) with { OfferedMessagesPerSecond = 12_230, AchievedMessagesPerSecond = 9_000 }]),
            ]);

        var markdown = ReportWriter.Write(report);

        // Throughput: medians 35,000 of 50,000 (InfluxDB) and 150,000 (Mosquitto).
        markdown.ShouldContain("| **35,000 readings/s** | InfluxDB 50,000 points/s; Mosquitto 150,000 readings/s | 70 % of InfluxDB; 23 % of Mosquitto |");
        markdown.ShouldContain("| city load: 12,000 readings/s evaluated | 1.0 / **9.0 ms** (9.0 ms) | Mosquitto alone, same messages, same moment: p50 / p99 0.3 / 0.4 ms;");
        markdown.ShouldContain("| city load | 100 (0 lost) | 0.3 / 0.4 ms | 0.5 / 8.0 ms | 0.5 / 1.0 ms | 9.0 – 9.0 ms |");
        markdown.ShouldContain("| 0.80 cores | 1.60 of");
        markdown.ShouldContain("load = 24 % of InfluxDB; 8 % of Mosquitto | p99 ≤ 20 ms | pass (≤ 20 ms) |");
        markdown.ShouldContain("| p99 ≤ 200 ms | **FAIL** (≤ 200 ms) |");
        markdown.ShouldContain("| **180 MB** (165 MB) | — | — | ≤ 400 MB | pass (≤ 400 MB) |");
        markdown.ShouldContain("- **10× city load**: every MQTT device at 10 msg/s");
        markdown.ShouldContain("| 10× city load | 12,230 | 9,000 | 74 % | **no** |");
        markdown.ShouldContain("Load average (1 min) at start / end: 1.50 / 2.25.");
        markdown.ShouldContain("| 1 | 50,000 | 200,000 | 40,000 | 1.0 / 9.0 ms / 180 MB | 1.0 / 250.0 ms / 300 MB |");
        markdown.ShouldContain("| 2 | 40,000 | 100,000 | 30,000 | — | — |");
    }

    [Fact]
    public void Ratio_WithoutALimit_IsADash()
    {
        ReportWriter.Ratio(5, 0).ShouldBe("—");
        ReportWriter.Ratio(double.NaN, 10).ShouldBe("—");
        ReportWriter.Ratio(1, 4).ShouldBe("25 %");
    }

    /// <summary>100 samples: 98 of 1 ms, then <paramref name="p99"/> (the 99th) and a max equal to it.</summary>
    private static LoadRepeat Repeat(double p99, double[] rss) => new()
    {
        Samples = [.. Enumerable.Repeat(new LatencySample(1, 0.5, 0.5, 0, 0.3), 98), new LatencySample(p99, p99 - 1, 1, 0, 0.4), new LatencySample(p99, p99 - 1, 1, 0, 0.4)],
        OfferedMessagesPerSecond = 1_223,
        AchievedMessagesPerSecond = 1_223,
        EvaluatedReadingsPerSecond = 11_900,
        StoredPointsPerSecond = 11_900,
        StorageLagSeconds = 0.5,
        RssMegabytes = rss,
        ProcessCores = 0.8,
        MachineCores = 1.6,
        Collections = [10, 2, 0],
        MaxThreadPoolQueue = 4,
        LockContentions = 12,
        RunQueueWait = 0.75,
    };

    private static RunConditions Conditions() => new()
    {
        StartedAt = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero),
        Duration = TimeSpan.FromMinutes(12),
        Machine = "2 cores",
        Versions = ".NET 10",
        Repeats = 3,
        StorageMessages = 50_000,
        ReadingsPerMessage = 9.7,
        LatencySamples = 100,
        Warmup = TimeSpan.FromSeconds(10),
        Window = TimeSpan.FromSeconds(20),
        LoadAverage = "1.50 / 2.25",
        Devices = 1_274,
    };
}
