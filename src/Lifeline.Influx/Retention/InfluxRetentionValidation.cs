namespace Lifeline.Influx.Retention;

/// <summary>Checks of <c>Influx:Retention</c> and <c>Influx:Downsampling</c>, with messages naming the key.</summary>
internal static class InfluxRetentionValidation
{
    public static List<string> Check(InfluxOptions options)
    {
        var failures = new List<string>();
        var retention = options.Retention ?? new InfluxRetentionOptions();
        var downsampling = options.Downsampling ?? new InfluxDownsamplingOptions();
        Duration("Influx:Retention:Raw", retention.Raw, allowInfinite: true, failures, out _);
        Duration("Influx:Retention:Aggregates", retention.Aggregates, allowInfinite: true, failures, out _);
        var intervalOk = Duration("Influx:Downsampling:Interval", downsampling.Interval, allowInfinite: false, failures, out var interval);
        var lookbackOk = Duration("Influx:Downsampling:Lookback", downsampling.Lookback, allowInfinite: false, failures, out var lookback);
        if (intervalOk && lookbackOk && lookback < interval)
        {
            failures.Add($"Influx:Downsampling:Lookback ({downsampling.Lookback}) must be at least Influx:Downsampling:Interval ({downsampling.Interval}).");
        }
        else if (intervalOk && lookbackOk && lookback.Ticks % interval.Ticks != 0)
        {
            // Otherwise the oldest window of each run would be partial and overwrite a complete aggregate.
            failures.Add($"Influx:Downsampling:Lookback ({downsampling.Lookback}) must be a whole multiple of Influx:Downsampling:Interval ({downsampling.Interval}).");
        }

        if (string.IsNullOrWhiteSpace(retention.AggregatePolicy) || retention.AggregatePolicy.Any(char.IsControl))
        {
            failures.Add("Influx:Retention:AggregatePolicy must be a name without control characters.");
        }
        else if (string.Equals(retention.AggregatePolicy, options.RetentionPolicy, StringComparison.Ordinal))
        {
            failures.Add($"Influx:Retention:AggregatePolicy ('{retention.AggregatePolicy}') must differ from Influx:RetentionPolicy, where raw points are written.");
        }

        if (retention.AggregateBucket is { } bucket && (bucket.Length == 0 || bucket.Any(char.IsControl) || bucket == options.Bucket))
        {
            failures.Add("Influx:Retention:AggregateBucket must be a name without control characters, other than Influx:Bucket.");
        }

        return failures;
    }

    private static bool Duration(string key, string? value, bool allowInfinite, List<string> failures, out TimeSpan duration)
    {
        if (!InfluxDuration.TryParse(value, out duration) || (!allowInfinite && duration == InfluxDuration.Infinite))
        {
            failures.Add($"{key} must be a whole number and a unit (s, m, h, d, w){(allowInfinite ? " or INF" : string.Empty)}, e.g. 30d, not '{value}'.");
            return false;
        }

        if (duration != InfluxDuration.Infinite && duration < TimeSpan.FromHours(1) && key.StartsWith("Influx:Retention", StringComparison.Ordinal))
        {
            failures.Add($"{key} must be at least 1h (InfluxDB's shortest retention), not '{value}'.");
            return false;
        }

        return true;
    }
}
