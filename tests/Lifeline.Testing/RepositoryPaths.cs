namespace Lifeline.Testing;

public static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding Lifeline.sln), found from the test binaries upwards.</summary>
    public static string Root { get; } = FindRoot();

    public static string Seeds(string city = "baoshan") => Path.Combine(Root, "seeds", city);

    private static string FindRoot()
    {
        var built = typeof(RepositoryPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "Lifeline.sln")))
        {
            return built;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lifeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Lifeline.sln not found above {AppContext.BaseDirectory}");
    }
}
