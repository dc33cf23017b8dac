using Lifeline.Assets.Yaml;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>Ids of one kind (sites, devices) across all files, remembering where each was first defined.</summary>
internal sealed class IdIndex
{
    private readonly Dictionary<string, (string File, string Path)> _first = new(StringComparer.Ordinal);

    public IdIndex(string what)
    {
        What = what;
    }

    public string What { get; }

    public bool Contains(string id) => _first.ContainsKey(id);

    /// <summary>
    /// Reads the entry's <c>id</c> (lower-case, dash-separated) and claims it; <c>Unique</c> is false when it is
    /// missing, malformed or a duplicate (each reported).
    /// </summary>
    public (string? Id, bool Unique) ReadAndClaim(YamlReader reader, YamlMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var id = map.Name("id", SeedVocabulary.IdPattern(), SeedVocabulary.IdRule);
        return (id, id is not null && Claim(reader, map["id"], map.PathOf("id"), id));
    }

    /// <summary>Claims <paramref name="id"/>; reports a duplicate at <paramref name="path"/> and returns false.</summary>
    public bool Claim(YamlReader reader, YamlNode? at, string path, string id, string? firstPath = null)
    {
        if (_first.TryGetValue(id, out var first))
        {
            var where = first.File == reader.File ? first.Path : $"{first.File}: {first.Path}";
            reader.Error(at, path, $"duplicate {What} id '{id}' (first used at {where})");
            return false;
        }

        _first[id] = (reader.File, firstPath ?? path);
        return true;
    }
}
