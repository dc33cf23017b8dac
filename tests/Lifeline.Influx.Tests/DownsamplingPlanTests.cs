using Lifeline.Influx.Retention;

namespace Lifeline.Influx.Tests;

/// <summary>
/// The text of the downsampling objects. The 2.x task's Flux is checked here only: no InfluxDB 2.x server is available
/// to these tests, so it has not been run against one.
/// </summary>
public sealed class DownsamplingPlanTests
{
    private static readonly string[] Measurements = ["tunnel_env", "gas", "tunnel_env"];

    [Theory]
    [InlineData("30d", 30 * 24 * 3600)]
    [InlineData("730d", 730 * 24 * 3600)]
    [InlineData("1m", 60)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("2w", 14 * 24 * 3600)]
    [InlineData("INF", 0)]
    [InlineData("inf", 0)]
    public void Duration_Parses(string text, long seconds)
    {
        InfluxDuration.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("0d")]
    [InlineData("-1d")]
    [InlineData("1.5d")]
    [InlineData("30 days")]
    [InlineData("P30D")]
    public void Duration_Rejects(string text) => InfluxDuration.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData("720h0m0s", 720 * 3600)]
    [InlineData("0s", 0)]
    [InlineData("1h0m0s", 3600)]
    [InlineData("17520h0m0s", 17520 * 3600)]
    public void GoDuration_Parses(string text, long seconds)
    {
        InfluxDuration.TryParseGo(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Format_UsesTheLargestWholeUnit()
    {
        InfluxDuration.Format(TimeSpan.FromDays(30)).ShouldBe("30d");
        InfluxDuration.Format(TimeSpan.FromMinutes(90)).ShouldBe("90m");
        InfluxDuration.Format(TimeSpan.FromHours(3)).ShouldBe("3h");
        InfluxDuration.Format(TimeSpan.FromSeconds(61)).ShouldBe("61s");
        InfluxDuration.Format(InfluxDuration.Infinite).ShouldBe("INF");
    }

    [Fact]
    public void SelectInto_KeepsMeasurementNamesAndTags_MeanIsValue()
    {
        var plan = new DownsamplingPlan(new InfluxOptions { Database = "lifeline" }, Measurements);

        plan.SelectInto("autogen").ShouldBe(
            "SELECT mean(\"value\") AS \"value\", min(\"value\") AS \"min\", max(\"value\") AS \"max\", count(\"value\") AS \"count\" "
            + "INTO \"lifeline\".\"agg_2y\".:MEASUREMENT FROM \"lifeline\".\"autogen\"./^(gas|tunnel_env)$/ GROUP BY time(1m), *");
        plan.CreateContinuousQuery("autogen").ShouldStartWith($"CREATE CONTINUOUS QUERY \"{plan.ContinuousQueryName("autogen")}\" ON \"lifeline\" RESAMPLE EVERY 1m FOR 10m BEGIN SELECT ");
        plan.ContinuousQueryName("autogen").ShouldMatch("^lifeline_downsample_[0-9a-f]{10}$");
        plan.ContinuousQueryName("raw").ShouldNotBe(plan.ContinuousQueryName("autogen"));
    }

    [Fact]
    public void FluxTask_AggregatesValueFieldsPerMinuteIntoTheAggregateBucket()
    {
        var options = new InfluxOptions { Bucket = "lifeline" };
        var plan = new DownsamplingPlan(options, Measurements);

        var flux = plan.FluxTask("baoshan");

        plan.AggregateBucket.ShouldBe("lifeline_agg_2y");
        plan.TaskName.ShouldBe("lifeline-downsample-lifeline");
        flux.ShouldBe("""
            option task = {name: "lifeline-downsample-lifeline", every: 1m, offset: 10s}

            data = from(bucket: "lifeline")
                |> range(start: -10m)
                |> filter(fn: (r) => r._field == "value" and (r._measurement == "gas" or r._measurement == "tunnel_env"))

            data
                |> aggregateWindow(every: 1m, fn: mean, createEmpty: false, timeSrc: "_start")
                |> to(bucket: "lifeline_agg_2y", org: "baoshan")
            data
                |> aggregateWindow(every: 1m, fn: min, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "min")
                |> to(bucket: "lifeline_agg_2y", org: "baoshan")
            data
                |> aggregateWindow(every: 1m, fn: max, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "max")
                |> to(bucket: "lifeline_agg_2y", org: "baoshan")
            data
                |> aggregateWindow(every: 1m, fn: count, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "count")
                |> to(bucket: "lifeline_agg_2y", org: "baoshan")

            """);
    }

    [Fact]
    public void FluxTask_EscapesNames_AndFollowsTheConfiguration()
    {
        var options = new InfluxOptions { Bucket = "city \"a\"" };
        options.Retention.AggregateBucket = "long-term";
        options.Downsampling.Interval = "5m";
        options.Downsampling.Lookback = "1h";
        var plan = new DownsamplingPlan(options, ["tunnel_env"]);

        var flux = plan.FluxTask("org ${x}");

        flux.ShouldContain("from(bucket: \"city \\\"a\\\"\")");
        flux.ShouldContain("to(bucket: \"long-term\", org: \"org \\${x}\")");
        flux.ShouldContain("every: 5m, offset: 10s}");
        flux.ShouldContain("|> range(start: -1h)");
        flux.ShouldContain("aggregateWindow(every: 5m, fn: mean");
    }

    [Theory]
    [InlineData("Influx:Retention:Raw", "30 days", "Influx:Retention:Raw must be a whole number and a unit (s, m, h, d, w) or INF, e.g. 30d, not '30 days'.")]
    [InlineData("Influx:Retention:Raw", "30m", "Influx:Retention:Raw must be at least 1h (InfluxDB's shortest retention), not '30m'.")]
    [InlineData("Influx:Downsampling:Interval", "INF", "Influx:Downsampling:Interval must be a whole number and a unit (s, m, h, d, w), e.g. 30d, not 'INF'.")]
    [InlineData("Influx:Downsampling:Lookback", "30s", "Influx:Downsampling:Lookback (30s) must be at least Influx:Downsampling:Interval (1m).")]
    [InlineData("Influx:Downsampling:Lookback", "90s", "Influx:Downsampling:Lookback (90s) must be a whole multiple of Influx:Downsampling:Interval (1m).")]
    [InlineData("Influx:Retention:AggregatePolicy", "raw", "Influx:Retention:AggregatePolicy ('raw') must differ from Influx:RetentionPolicy, where raw points are written.")]
    public void Validation_NamesTheKey(string key, string value, string message)
    {
        var options = new InfluxOptions { Url = new Uri("http://influx:8086"), ApiVersion = InfluxApiVersion.V1, RetentionPolicy = "raw" };
        switch (key)
        {
            case "Influx:Retention:Raw":
                options.Retention.Raw = value;
                break;
            case "Influx:Downsampling:Interval":
                options.Downsampling.Interval = value;
                break;
            case "Influx:Downsampling:Lookback":
                options.Downsampling.Lookback = value;
                break;
            default:
                options.Retention.AggregatePolicy = value;
                break;
        }

        var result = new InfluxOptionsValidator().Validate(null, options);

        result.Failed.ShouldBeTrue();
        result.Failures.ShouldContain(message);
    }
}
