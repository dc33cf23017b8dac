namespace Lifeline.Benchmarks.Reporting;

/// <summary>Order statistics for benchmark samples (nearest-rank percentiles, medians of repeats).</summary>
public static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile: the smallest sample with at least <paramref name="p"/> of the samples at or below it
    /// (p in (0, 1]). With 200 samples p99 is the 198th smallest; with 100 it is the 99th.
    /// </summary>
    public static double Of(IReadOnlyCollection<double> samples, double p)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            throw new ArgumentException("no samples: a percentile needs at least one", nameof(samples));
        }

        if (!(p > 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a percentile is in (0, 1]");
        }

        if (samples.Any(double.IsNaN))
        {
            throw new ArgumentException("a sample is NaN", nameof(samples));
        }

        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(Math.Round(p * sorted.Length, 9));
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    /// <summary>
    /// The median of repeats: the middle value, or the mean of the two middle values for an even count (so two repeats
    /// give their mean, not the lower one).
    /// </summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Any(double.IsNaN))
        {
            return double.NaN;
        }

        if (values.Count == 0)
        {
            throw new ArgumentException("no values: a median needs at least one", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
