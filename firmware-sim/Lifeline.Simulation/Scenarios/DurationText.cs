using System.Globalization;

namespace Lifeline.Simulation.Scenarios;

/// <summary>Short durations as written in scenario specs and on the command line: <c>500ms</c>, <c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>2.5s</c>.</summary>
public static class DurationText
{
    public const string Examples = "10s, 5m, 1h30m or 500ms";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        var total = 0.0;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            span = span[digits..];
            var letters = 0;
            while (letters < span.Length && char.IsAsciiLetter(span[letters]))
            {
                letters++;
            }

            double unitMs = span[..letters] switch
            {
                "ms" => 1,
                "s" => 1_000,
                "m" or "min" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => double.NaN,
            };
            if (double.IsNaN(unitMs))
            {
                return false;
            }

            total += number * unitMs;
            span = span[letters..];
        }

        if (!double.IsFinite(total) || total > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.TotalSeconds < 1)
        {
            return $"{value.TotalMilliseconds:0}ms";
        }

        var parts = new List<string>(3);
        if (value.Days > 0 || value.Hours > 0)
        {
            parts.Add($"{(int)value.TotalHours}h");
        }

        if (value.Minutes > 0)
        {
            parts.Add($"{value.Minutes}m");
        }

        if (value.Seconds > 0 || value.Milliseconds > 0)
        {
            parts.Add(value.Milliseconds > 0 ? $"{value.Seconds + (value.Milliseconds / 1000.0):0.###}s" : $"{value.Seconds}s");
        }

        return string.Concat(parts);
    }
}
