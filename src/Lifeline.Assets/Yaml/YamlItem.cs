using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Yaml;

/// <summary>A node together with its path from the document root.</summary>
internal readonly record struct YamlItem(YamlNode Node, string Path);
