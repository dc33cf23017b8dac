namespace Lifeline.Assets.Yaml;

/// <summary>A closed set of lower-case names in the seed files and the values they stand for.</summary>
internal sealed class Vocabulary<T>
    where T : struct
{
    private readonly (string Name, T Value)[] _entries;

    public Vocabulary(string what, params (string Name, T Value)[] entries)
    {
        What = what;
        _entries = entries;
        Allowed = string.Join(", ", entries.Select(e => e.Name));
    }

    /// <summary>What the names are, e.g. "cabin type".</summary>
    public string What { get; }

    /// <summary>The names, comma-separated, in their documented order.</summary>
    public string Allowed { get; }

    public bool TryParse(string name, out T value)
    {
        foreach (var entry in _entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    public string NameOf(T value)
    {
        foreach (var entry in _entries)
        {
            if (EqualityComparer<T>.Default.Equals(entry.Value, value))
            {
                return entry.Name;
            }
        }

        return value.ToString() ?? string.Empty;
    }
}
