using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Lifeline.Influx.Retention;

/// <summary>
/// The retention and downsampling objects the platform wants, as text: InfluxQL for 1.x (retention policies and one
/// continuous query), Flux for 2.x (one task). Pure: <see cref="InfluxRetentionSetup"/> compares and applies them.
/// The aggregates keep the measurement names and every tag; their fields are <c>value</c> (the mean, so a query of
/// <c>mean("value")</c> reads the same on both), <c>min</c>, <c>max</c> and <c>count</c>, stamped at the start of their minute.
/// </summary>
public sealed class DownsamplingPlan
{
    /// <summary>Every continuous query the platform creates starts with this; the rest of the name is a digest of its text.</summary>
    public const string ContinuousQueryPrefix = "lifeline_downsample_";

    private readonly InfluxOptions _options;

    /// <summary>Creates the plan; <paramref name="measurements"/> are the measurements of readings (not alarm events).</summary>
    public DownsamplingPlan(InfluxOptions options, IEnumerable<string> measurements)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(measurements);
        var errors = InfluxRetentionValidation.Check(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid retention options: " + string.Join("; ", errors), nameof(options));
        }

        _options = options;
        Measurements = measurements.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (Measurements.Count == 0)
        {
            throw new ArgumentException("At least one measurement is needed to downsample.", nameof(measurements));
        }

        Raw = Parsed(options.Retention.Raw);
        Aggregates = Parsed(options.Retention.Aggregates);
        Interval = Parsed(options.Downsampling.Interval);
        Lookback = Parsed(options.Downsampling.Lookback);
    }

    /// <summary>The measurements aggregated, sorted.</summary>
    public IReadOnlyList<string> Measurements { get; }

    /// <summary>How long raw points are kept (<see cref="InfluxDuration.Infinite"/> for ever).</summary>
    public TimeSpan Raw { get; }

    /// <summary>How long aggregates are kept.</summary>
    public TimeSpan Aggregates { get; }

    /// <summary>The aggregation interval.</summary>
    public TimeSpan Interval { get; }

    /// <summary>How far back each run recomputes.</summary>
    public TimeSpan Lookback { get; }

    /// <summary>1.x: the database.</summary>
    public string Database => _options.Database;

    /// <summary>1.x: the retention policy of the aggregates.</summary>
    public string AggregatePolicy => _options.Retention.AggregatePolicy;

    /// <summary>2.x: the raw bucket.</summary>
    public string Bucket => _options.Bucket;

    /// <summary>2.x: the bucket of the aggregates.</summary>
    public string AggregateBucket => string.IsNullOrWhiteSpace(_options.Retention.AggregateBucket) ? _options.Bucket + "_agg_2y" : _options.Retention.AggregateBucket;

    /// <summary>2.x: the name of the downsampling task.</summary>
    public string TaskName => $"lifeline-downsample-{_options.Bucket}";

    /// <summary>
    /// 1.x: the body of the continuous query, from <paramref name="rawPolicy"/> into <see cref="AggregatePolicy"/>. With
    /// <paramref name="timeCondition"/> (e.g. <c>time &gt;= '…' AND time &lt; '…'</c>) it is the statement to run by hand to
    /// aggregate a past window (a backfill).
    /// </summary>
    public string SelectInto(string rawPolicy, string? timeCondition = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(rawPolicy);
        var db = InfluxQl.QuoteIdentifier(Database);
        var regex = "/^(" + string.Join('|', Measurements.Select(m => Regex.Escape(m).Replace("/", @"\/", StringComparison.Ordinal))) + ")$/";
        var builder = new StringBuilder()
            .Append("SELECT mean(\"value\") AS \"value\", min(\"value\") AS \"min\", max(\"value\") AS \"max\", count(\"value\") AS \"count\"")
            .Append(" INTO ").Append(db).Append('.').Append(InfluxQl.QuoteIdentifier(AggregatePolicy)).Append(".:MEASUREMENT")
            .Append(" FROM ").Append(db).Append('.').Append(InfluxQl.QuoteIdentifier(rawPolicy)).Append('.').Append(regex);
        if (!string.IsNullOrWhiteSpace(timeCondition))
        {
            builder.Append(" WHERE ").Append(timeCondition);
        }

        return builder.Append(" GROUP BY time(").Append(InfluxDuration.Format(Interval)).Append("), *").ToString();
    }

    /// <summary>1.x: the continuous query's name: the prefix and a digest of its text, so a changed plan gets a new name.</summary>
    public string ContinuousQueryName(string rawPolicy)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(ContinuousQueryBody(rawPolicy)));
        return ContinuousQueryPrefix + Convert.ToHexStringLower(digest)[..10];
    }

    /// <summary>1.x: <c>CREATE CONTINUOUS QUERY</c> for <paramref name="rawPolicy"/>.</summary>
    public string CreateContinuousQuery(string rawPolicy) =>
        $"CREATE CONTINUOUS QUERY {InfluxQl.QuoteIdentifier(ContinuousQueryName(rawPolicy))} ON {InfluxQl.QuoteIdentifier(Database)} {ContinuousQueryBody(rawPolicy)}";

    /// <summary>1.x: <c>DROP CONTINUOUS QUERY</c>.</summary>
    public string DropContinuousQuery(string name) => $"DROP CONTINUOUS QUERY {InfluxQl.QuoteIdentifier(name)} ON {InfluxQl.QuoteIdentifier(Database)}";

    /// <summary>1.x: <c>CREATE RETENTION POLICY</c> for the aggregates (never the default).</summary>
    public string CreateAggregatePolicy() =>
        $"CREATE RETENTION POLICY {InfluxQl.QuoteIdentifier(AggregatePolicy)} ON {InfluxQl.QuoteIdentifier(Database)} DURATION {InfluxDuration.Format(Aggregates)} REPLICATION 1 SHARD DURATION {InfluxDuration.Format(InfluxDuration.ShardDurationFor(Aggregates))}";

    /// <summary>1.x: <c>ALTER RETENTION POLICY</c> giving <paramref name="policy"/> the duration <paramref name="duration"/>.</summary>
    public string AlterPolicy(string policy, TimeSpan duration) =>
        $"ALTER RETENTION POLICY {InfluxQl.QuoteIdentifier(policy)} ON {InfluxQl.QuoteIdentifier(Database)} DURATION {InfluxDuration.Format(duration)} SHARD DURATION {InfluxDuration.Format(InfluxDuration.ShardDurationFor(duration))}";

    /// <summary>
    /// 2.x: the Flux of the downsampling task. Every <see cref="Interval"/> it recomputes the last <see cref="Lookback"/> of
    /// the raw bucket's <c>value</c> fields into <see cref="AggregateBucket"/>, per minute window stamped at its start (as
    /// 1.x continuous queries stamp them), with every tag kept.
    /// </summary>
    public string FluxTask(string org)
    {
        ArgumentException.ThrowIfNullOrEmpty(org);
        var every = InfluxDuration.Format(Interval);
        var filter = string.Join(" or ", Measurements.Select(m => $"r._measurement == {FluxString(m)}"));
        var to = $"to(bucket: {FluxString(AggregateBucket)}, org: {FluxString(org)})";
        return $$"""
            option task = {name: {{FluxString(TaskName)}}, every: {{every}}, offset: 10s}

            data = from(bucket: {{FluxString(Bucket)}})
                |> range(start: -{{InfluxDuration.Format(Lookback)}})
                |> filter(fn: (r) => r._field == "value" and ({{filter}}))

            data
                |> aggregateWindow(every: {{every}}, fn: mean, createEmpty: false, timeSrc: "_start")
                |> {{to}}
            data
                |> aggregateWindow(every: {{every}}, fn: min, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "min")
                |> {{to}}
            data
                |> aggregateWindow(every: {{every}}, fn: max, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "max")
                |> {{to}}
            data
                |> aggregateWindow(every: {{every}}, fn: count, createEmpty: false, timeSrc: "_start")
                |> set(key: "_field", value: "count")
                |> {{to}}

            """;
    }

    /// <summary>A Flux string literal: <c>"</c>, <c>\</c> and <c>${</c> escaped.</summary>
    public static string FluxString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "\"" + value.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("${", @"\${", StringComparison.Ordinal) + "\"";
    }

    private static TimeSpan Parsed(string text) =>
        InfluxDuration.TryParse(text, out var value) ? value : throw new ArgumentException($"'{text}' is not an InfluxDB duration.", nameof(text));

    private string ContinuousQueryBody(string rawPolicy) =>
        $"RESAMPLE EVERY {InfluxDuration.Format(Interval)} FOR {InfluxDuration.Format(Lookback)} BEGIN {SelectInto(rawPolicy)} END";
}
