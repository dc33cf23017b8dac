namespace Lifeline.Influx.Retention;

/// <summary>
/// Configuration section <c>Influx:Retention</c>: how long raw readings and their 1-minute aggregates are kept.
/// Durations are InfluxDB literals: a whole number and a unit (<c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>, <c>w</c>), or <c>INF</c>.
/// </summary>
public sealed class InfluxRetentionOptions
{
    /// <summary>Whether the platform sets the raw retention at start-up (1.x: the written retention policy; 2.x: the bucket).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long raw points are kept. Default <c>30d</c>.</summary>
    public string Raw { get; set; } = "30d";

    /// <summary>How long the 1-minute aggregates are kept. Default <c>730d</c> (two years).</summary>
    public string Aggregates { get; set; } = "730d";

    /// <summary>1.x: the retention policy the aggregates go to (never the default one). Default <c>agg_2y</c>.</summary>
    public string AggregatePolicy { get; set; } = "agg_2y";

    /// <summary>2.x: the bucket the aggregates go to. Default: the raw bucket's name with <c>_agg_2y</c> appended.</summary>
    public string? AggregateBucket { get; set; }
}

/// <summary>Configuration section <c>Influx:Downsampling</c>: the continuous query (1.x) or task (2.x) that fills the aggregates.</summary>
public sealed class InfluxDownsamplingOptions
{
    /// <summary>Whether the platform creates the aggregate retention policy or bucket and the downsampling query at start-up.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The aggregation interval. Default <c>1m</c>.</summary>
    public string Interval { get; set; } = "1m";

    /// <summary>
    /// How far back each run recomputes (1.x <c>RESAMPLE FOR</c>, 2.x the task's range), so readings that arrive late (a
    /// replayed backlog) still reach the aggregates. Default <c>10m</c>; at least <see cref="Interval"/>.
    /// </summary>
    public string Lookback { get; set; } = "10m";
}
