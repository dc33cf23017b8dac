namespace Lifeline.Assets.Tests;

/// <summary>A temporary copy of the real Baoshan seeds that a test may break, deleted on dispose.</summary>
internal sealed class SeedDirectory : IDisposable
{
    private SeedDirectory(string path)
    {
        Path = path;
    }

    /// <summary>The real seeds/baoshan, copied beside the test assembly by the project file.</summary>
    public static string Baoshan { get; } = System.IO.Path.Combine(AppContext.BaseDirectory, "seeds", "baoshan");

    public string Path { get; }

    public static SeedDirectory CopyOfBaoshan()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lifeline-seeds-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        foreach (var file in Directory.GetFiles(Baoshan, "*.yaml"))
        {
            System.IO.File.Copy(file, System.IO.Path.Combine(path, System.IO.Path.GetFileName(file)));
        }

        return new SeedDirectory(path);
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Replaces the single occurrence of <paramref name="oldText"/> and returns its 1-based line number.</summary>
    public int Replace(string name, string oldText, string newText)
    {
        var text = System.IO.File.ReadAllText(PathOf(name));
        var at = text.IndexOf(oldText, StringComparison.Ordinal);
        at.ShouldBeGreaterThanOrEqualTo(0, $"'{oldText}' not found in {name}");
        text.IndexOf(oldText, at + 1, StringComparison.Ordinal).ShouldBe(-1, $"'{oldText}' occurs more than once in {name}");
        System.IO.File.WriteAllText(PathOf(name), string.Concat(text.AsSpan(0, at), newText, text.AsSpan(at + oldText.Length)));
        return text[..at].Count(c => c == '\n') + 1;
    }

    /// <summary>Appends one line to the end of the file (e.g. an item of rules.yaml's last list) and returns its 1-based line number.</summary>
    public int AppendLine(string name, string line)
    {
        var text = System.IO.File.ReadAllText(PathOf(name));
        text.ShouldEndWith("\n", customMessage: $"{name} must end with a newline");
        System.IO.File.AppendAllText(PathOf(name), line + "\n");
        return text.Count(c => c == '\n') + 1;
    }

    /// <summary>Loads the directory, expecting failure, and returns the errors.</summary>
    public IReadOnlyList<string> LoadErrors()
    {
        var ex = Should.Throw<AssetRegistryException>(() => AssetRegistryLoader.Load(Path));
        return ex.Errors;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
