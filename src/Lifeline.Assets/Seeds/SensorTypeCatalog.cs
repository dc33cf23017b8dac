using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Seeds;

/// <summary>The sensor types read from sensor-types.yaml, and the lookups other files make against them.</summary>
internal sealed class SensorTypeCatalog
{
    private readonly Dictionary<string, SensorType> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _broken = new(StringComparer.Ordinal);

    /// <summary>False when sensor-types.yaml could not be read at all: references are then not checked (no error cascade).</summary>
    public bool Usable { get; set; } = true;

    public IReadOnlyDictionary<string, SensorType> Types => _types;

    /// <summary>A catalog over already validated types (a registry's), for reading rules.yaml again.</summary>
    public static SensorTypeCatalog From(IReadOnlyDictionary<string, SensorType> types)
    {
        var catalog = new SensorTypeCatalog();
        foreach (var type in types.Values)
        {
            catalog.Add(type);
        }

        return catalog;
    }

    public void Add(SensorType type) => _types.Add(type.Id, type);

    /// <summary>An id whose entry had errors: references to it are not reported again.</summary>
    public void MarkBroken(string id) => _broken.Add(id);


    /// <summary>The sensor type named by a scalar node; reports an unknown id with the allowed ids.</summary>
    public SensorType? Resolve(YamlReader reader, YamlNode node, string path)
    {
        var id = reader.Text(node, path);
        if (id is null || !Usable)
        {
            return null;
        }

        if (_types.TryGetValue(id, out var type))
        {
            return type;
        }

        if (!_broken.Contains(id))
        {
            reader.Error(node, path, $"unknown sensor type '{id}'; allowed: {string.Join(", ", _types.Keys)}");
        }

        return null;
    }
}
