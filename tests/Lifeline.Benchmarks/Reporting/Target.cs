using System.Globalization;

namespace Lifeline.Benchmarks.Reporting;

/// <summary>An upper bound a figure must stay at or under, e.g. p99 alarm latency ≤ 20 ms.</summary>
public sealed record Target(string Name, double Limit, string Unit)
{
    /// <summary>The published targets.</summary>
    public static Target CityLatencyP99 { get; } = new("p99 alarm latency at city load", 20, "ms");

    public static Target TenfoldLatencyP99 { get; } = new("p99 alarm latency at 10× city load", 200, "ms");

    public static Target Rss { get; } = new("RSS at city load", 400, "MB");

    /// <summary>True when <paramref name="value"/> is at or under the limit; a missing (NaN) figure never passes.</summary>
    public bool IsMet(double value) => !double.IsNaN(value) && value <= Limit;

    /// <summary>The cell of the pass/fail column: <c>pass</c> or <c>**FAIL**</c>, with the bound.</summary>
    public string Verdict(double value) => string.Create(CultureInfo.InvariantCulture, $"{(IsMet(value) ? "pass" : "**FAIL**")} (≤ {Limit:0.##} {Unit})");
}
