using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Yaml;

/// <summary>
/// Walks the representation model of one file with path tracking. Every method reports what is wrong
/// (<c>&lt;file&gt;: &lt;path&gt;: &lt;reason&gt; (line N)</c>) and returns null instead of throwing, so a
/// load finds all errors in one pass.
/// </summary>
internal sealed partial class YamlReader
{
    private readonly ErrorList _errors;

    public YamlReader(string file, ErrorList errors)
    {
        File = file;
        _errors = errors;
    }

    /// <summary>The file path as joined from the directory argument, used as the prefix of every error.</summary>
    public string File { get; }

    public void Error(YamlNode? at, string path, string reason)
    {
        var line = at is not null && at.Start.Line > 0 ? $" (line {at.Start.Line})" : string.Empty;
        _errors.Add($"{File}: {YamlPath.Display(path)}: {reason}{line}");
    }

    /// <summary>Reads a mapping with a fixed set of keys; reports unknown and missing required keys.</summary>
    public YamlMap? Map(YamlNode? node, string path, IReadOnlyList<string> required, IReadOnlyList<string>? optional = null)
    {
        if (node is null || IsNull(node))
        {
            Error(node, path, "expected a mapping (key: value), got nothing");
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping (key: value), got {Describe(node)}");
            return null;
        }

        var allowed = optional is null ? required : [.. required, .. optional];
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, path, $"keys must be plain names, got {Describe(keyNode)}");
                continue;
            }

            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                Error(keyNode, YamlPath.Key(path, key), UnknownKey(key, allowed));
                continue;
            }

            values[key] = value;
        }

        foreach (var key in required)
        {
            if (!values.ContainsKey(key))
            {
                Error(node, path, $"missing required key '{key}'");
            }
        }

        return new YamlMap(this, mapping, path, values);
    }

    /// <summary>Reads a mapping whose keys are names chosen by the author (cabin types, channel names).</summary>
    public IReadOnlyList<YamlEntry>? Entries(YamlNode? node, string path)
    {
        if (node is null || IsNull(node))
        {
            Error(node, path, "expected a mapping (name: value), got nothing");
            return null;
        }

        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping (name: value), got {Describe(node)}");
            return null;
        }

        var entries = new List<YamlEntry>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key } || key.Length == 0)
            {
                Error(keyNode, path, $"keys must be plain names, got {Describe(keyNode)}");
                continue;
            }

            entries.Add(new YamlEntry(key, keyNode, value, YamlPath.Key(path, key)));
        }

        return entries;
    }

    public IReadOnlyList<YamlItem>? Sequence(YamlNode? node, string path)
    {
        if (node is null || IsNull(node))
        {
            Error(node, path, "expected a list, got nothing");
            return null;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, path, $"expected a list, got {Describe(node)}");
            return null;
        }

        return sequence.Children.Select((child, i) => new YamlItem(child, YamlPath.Index(path, i))).ToList();
    }

    /// <summary>A scalar string; empty is allowed only when <paramref name="allowEmpty"/> is set.</summary>
    public string? Text(YamlNode node, string path, bool allowEmpty = false)
    {
        if (node is not YamlScalarNode scalar)
        {
            Error(node, path, $"expected text, got {Describe(node)}");
            return null;
        }

        var value = scalar.Value ?? string.Empty;
        if (allowEmpty && value.Length == 0)
        {
            return value;
        }

        if (IsNull(scalar))
        {
            Error(node, path, "expected text, got nothing");
            return null;
        }

        if (value.Trim().Length == 0 && !allowEmpty)
        {
            Error(node, path, "must not be empty");
            return null;
        }

        return value;
    }

    public double? Number(YamlNode node, string path)
    {
        var raw = RawScalar(node, path, "a number");
        if (raw is null)
        {
            return null;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            Error(node, path, $"expected a number, got '{raw}'");
            return null;
        }

        return value;
    }

    public int? Integer(YamlNode node, string path)
    {
        var raw = RawScalar(node, path, "a whole number");
        if (raw is null)
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            Error(node, path, $"expected a whole number, got '{raw}'");
            return null;
        }

        return value;
    }

    public bool? Boolean(YamlNode node, string path)
    {
        var raw = RawScalar(node, path, "true or false");
        if (raw is null)
        {
            return null;
        }

        if (string.Equals(raw, "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(raw, "false", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Error(node, path, $"expected true or false, got '{raw}'");
        return null;
    }

    /// <summary>A duration: <c>0</c>, <c>500ms</c>, <c>15s</c>, <c>1m</c>, <c>2h</c>.</summary>
    public TimeSpan? Duration(YamlNode node, string path)
    {
        var raw = RawScalar(node, path, "a duration");
        if (raw is null)
        {
            return null;
        }

        if (raw == "0")
        {
            return TimeSpan.Zero;
        }

        var match = DurationPattern().Match(raw);
        if (!match.Success)
        {
            Error(node, path, $"expected a duration such as 0, 500ms, 15s, 1m or 2h, got '{raw}'");
            return null;
        }

        var amount = double.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
        return match.Groups["u"].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(amount),
            "s" => TimeSpan.FromSeconds(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromHours(amount),
        };
    }

    /// <summary>One of a fixed set of lower-case names.</summary>
    public T? Choice<T>(YamlNode node, string path, Vocabulary<T> vocabulary)
        where T : struct
    {
        var raw = RawScalar(node, path, $"a {vocabulary.What}");
        if (raw is null)
        {
            return null;
        }

        if (vocabulary.TryParse(raw, out var value))
        {
            return value;
        }

        Error(node, path, $"unknown {vocabulary.What} '{raw}'; allowed: {vocabulary.Allowed}");
        return null;
    }

    /// <summary>A text matching <paramref name="pattern"/>; <paramref name="rule"/> explains the pattern.</summary>
    public string? Name(YamlNode node, string path, Regex pattern, string rule)
    {
        var value = Text(node, path);
        if (value is null)
        {
            return null;
        }

        if (!pattern.IsMatch(value))
        {
            Error(node, path, $"'{value}' is not a valid {rule}");
            return null;
        }

        return value;
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode scalar when IsNull(scalar) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "an alias",
    };

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private string? RawScalar(YamlNode node, string path, string expected)
    {
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            Error(node, path, $"expected {expected}, got {Describe(node)}");
            return null;
        }

        return (scalar.Value ?? string.Empty).Trim();
    }

    /// <summary><c> (did you mean 'x'?)</c> for the candidate at most two edits away, or empty.</summary>
    public static string DidYouMean(string value, IEnumerable<string> candidates)
    {
        var closest = candidates
            .Select(c => (Candidate: c, Distance: Levenshtein(value, c)))
            .Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();
        return closest is null ? string.Empty : $" (did you mean '{closest}'?)";
    }

    private static string UnknownKey(string key, IReadOnlyList<string> allowed) =>
        $"unknown key '{key}'{DidYouMean(key, allowed)}; allowed keys: {string.Join(", ", allowed)}";

    private static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();
}
