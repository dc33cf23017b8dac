using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Yaml;

/// <summary>One entry of a mapping whose keys are names (kits, channels): the key, its value and the value's path.</summary>
internal readonly record struct YamlEntry(string Key, YamlNode KeyNode, YamlNode Value, string Path);
