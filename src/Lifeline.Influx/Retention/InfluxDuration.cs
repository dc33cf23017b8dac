using System.Globalization;
using System.Text.RegularExpressions;

namespace Lifeline.Influx.Retention;

/// <summary>
/// InfluxDB duration literals as configured (<c>30d</c>, <c>1m</c>, <c>INF</c>) and as 1.x reports them
/// (<c>720h0m0s</c>, <c>0s</c> for infinite). <see cref="TimeSpan.Zero"/> stands for infinite.
/// </summary>
public static partial class InfluxDuration
{
    /// <summary>Infinite retention.</summary>
    public static readonly TimeSpan Infinite = TimeSpan.Zero;

    /// <summary>Parses <c>&lt;whole number&gt;&lt;s|m|h|d|w&gt;</c> or <c>INF</c>; false for anything else (and for zero).</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (string.Equals(text, "INF", StringComparison.OrdinalIgnoreCase))
        {
            value = Infinite;
            return true;
        }

        var match = Literal().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000)
        {
            return false;
        }

        value = match.Groups[2].Value switch
        {
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => TimeSpan.FromDays(7 * n),
        };
        return true;
    }

    /// <summary>The literal for InfluxQL and Flux: the largest unit that divides it (<c>30d</c>, <c>90m</c>); <c>INF</c> for infinite.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == Infinite)
        {
            return "INF";
        }

        var seconds = (long)value.TotalSeconds;
        return seconds % 86_400 == 0 ? $"{seconds / 86_400}d"
            : seconds % 3_600 == 0 ? $"{seconds / 3_600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    /// <summary>Parses a Go duration as 1.x shows it in <c>SHOW RETENTION POLICIES</c> (<c>720h0m0s</c>, <c>1h0m0s</c>, <c>0s</c>).</summary>
    public static bool TryParseGo(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var total = TimeSpan.Zero;
        var matches = GoPart().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(n),
                "m" => TimeSpan.FromMinutes(n),
                "s" => TimeSpan.FromSeconds(n),
                "ms" => TimeSpan.FromMilliseconds(n),
                _ => TimeSpan.Zero,
            };
        }

        value = total;
        return true;
    }

    /// <summary>
    /// The shard group duration InfluxDB 1.x picks for a retention policy of this duration: 1 h below 2 days, 1 day up to
    /// 6 months, 7 days beyond and for infinite.
    /// </summary>
    public static TimeSpan ShardDurationFor(TimeSpan retention) =>
        retention == Infinite || retention > TimeSpan.FromDays(183) ? TimeSpan.FromDays(7)
        : retention < TimeSpan.FromDays(2) ? TimeSpan.FromHours(1)
        : TimeSpan.FromDays(1);

    [GeneratedRegex(@"^(\d+)(s|m|h|d|w)$", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)", RegexOptions.CultureInvariant)]
    private static partial Regex GoPart();
}
