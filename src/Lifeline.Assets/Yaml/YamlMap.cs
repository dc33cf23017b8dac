using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Yaml;

/// <summary>A mapping whose keys were checked by <see cref="YamlReader.Map"/>; typed accessors for its values.</summary>
internal sealed class YamlMap
{
    private readonly YamlReader _reader;
    private readonly Dictionary<string, YamlNode> _values;

    public YamlMap(YamlReader reader, YamlMappingNode node, string path, Dictionary<string, YamlNode> values)
    {
        _reader = reader;
        Node = node;
        Path = path;
        _values = values;
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public bool Has(string key) => _values.ContainsKey(key);

    public YamlNode? this[string key] => _values.GetValueOrDefault(key);

    public string PathOf(string key) => YamlPath.Key(Path, key);

    /// <summary>Reports a problem with the value of <paramref name="key"/> (or with the mapping when the key is absent).</summary>
    public void Error(string key, string reason) =>
        _reader.Error(this[key] ?? Node, this[key] is null ? Path : PathOf(key), reason);

    public string? Text(string key, bool allowEmpty = false) =>
        this[key] is { } node ? _reader.Text(node, PathOf(key), allowEmpty) : null;

    public double? Number(string key) => this[key] is { } node ? _reader.Number(node, PathOf(key)) : null;

    public int? Integer(string key) => this[key] is { } node ? _reader.Integer(node, PathOf(key)) : null;

    public bool? Boolean(string key) => this[key] is { } node ? _reader.Boolean(node, PathOf(key)) : null;

    public TimeSpan? Duration(string key) => this[key] is { } node ? _reader.Duration(node, PathOf(key)) : null;

    public T? Choice<T>(string key, Vocabulary<T> vocabulary)
        where T : struct =>
        this[key] is { } node ? _reader.Choice(node, PathOf(key), vocabulary) : null;

    public string? Name(string key, Regex pattern, string rule) =>
        this[key] is { } node ? _reader.Name(node, PathOf(key), pattern, rule) : null;

    public IReadOnlyList<YamlItem>? Sequence(string key) =>
        this[key] is { } node ? _reader.Sequence(node, PathOf(key)) : null;

    public IReadOnlyList<YamlEntry>? Entries(string key) =>
        this[key] is { } node ? _reader.Entries(node, PathOf(key)) : null;

    public YamlMap? Map(string key, IReadOnlyList<string> required, IReadOnlyList<string>? optional = null) =>
        this[key] is { } node ? _reader.Map(node, PathOf(key), required, optional) : null;

    /// <summary>A list of choices (e.g. cabin types); duplicates are reported.</summary>
    public List<T>? Choices<T>(string key, Vocabulary<T> vocabulary)
        where T : struct
    {
        var items = Sequence(key);
        if (items is null)
        {
            return null;
        }

        var result = new List<T>();
        var ok = true;
        foreach (var item in items)
        {
            if (_reader.Choice(item.Node, item.Path, vocabulary) is not { } value)
            {
                ok = false;
                continue;
            }

            if (result.Contains(value))
            {
                _reader.Error(item.Node, item.Path, $"{vocabulary.What} '{vocabulary.NameOf(value)}' is listed twice");
                ok = false;
                continue;
            }

            result.Add(value);
        }

        return ok ? result : null;
    }
}
