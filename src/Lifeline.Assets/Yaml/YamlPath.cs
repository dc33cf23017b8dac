namespace Lifeline.Assets.Yaml;

/// <summary>Builds the dotted/indexed paths used in error messages: <c>projects[3].tunnels[0].length_m</c>.</summary>
internal static class YamlPath
{
    public const string Root = "";

    public static string Key(string parent, string key) => parent.Length == 0 ? key : $"{parent}.{key}";

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    public static string Display(string path) => path.Length == 0 ? "(root)" : path;
}
