using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Lifeline.Assets.Yaml;

/// <summary>Reads one YAML file into its representation model, reporting a missing file or a syntax error as an error.</summary>
internal static class YamlSource
{
    /// <summary>The root node of the file's single document, or null when it could not be read.</summary>
    public static YamlNode? Load(string file, ErrorList errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            errors.Add($"{file}: file not found");
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            errors.Add($"{file}: file not found");
            return null;
        }
        catch (IOException ex)
        {
            errors.Add($"{file}: cannot be read: {ex.Message}");
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            errors.Add($"{file}: cannot be read: {ex.Message}");
            return null;
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(text);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            errors.Add($"{file}: line {ex.Start.Line}, column {ex.Start.Column}: YAML syntax error: {Reason(ex)}");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way (without a position) on some malformed input, e.g. a flow
            // mapping '{...' that is never closed.
            errors.Add($"{file}: YAML syntax error: the parser stopped on malformed input (check for an unclosed '{{' or '[')");
            return null;
        }

        if (stream.Documents.Count == 0)
        {
            errors.Add($"{file}: (root): the file is empty; expected a mapping");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            var second = stream.Documents[1].RootNode;
            errors.Add($"{file}: line {second.Start.Line}: only one YAML document is allowed per file (remove the '---' separator)");
            return null;
        }

        return stream.Documents[0].RootNode;
    }

    /// <summary>YamlDotNet prefixes its messages with the marks; keep the reason (the marks are reported separately).</summary>
    private static string Reason(YamlException ex)
    {
        var message = ex.Message;
        var separator = message.IndexOf("): ", StringComparison.Ordinal);
        if (message.StartsWith("(Line:", StringComparison.Ordinal) && separator > 0)
        {
            message = message[(separator + 3)..];
        }

        const string duplicate = "Duplicate key ";
        if (message.StartsWith(duplicate, StringComparison.Ordinal))
        {
            message = $"duplicate key '{message[duplicate.Length..].Trim()}' in a mapping";
        }

        return string.Join(' ', message.Split(' ', StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
    }
}
