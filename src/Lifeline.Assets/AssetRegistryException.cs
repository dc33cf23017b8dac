namespace Lifeline.Assets;

/// <summary>
/// The seed files of a city could not be loaded. <see cref="Errors"/> lists every problem found, each as
/// <c>&lt;file&gt;: &lt;yaml path&gt;: &lt;reason&gt;</c>, e.g.
/// <c>seeds/baoshan/tunnels.yaml: projects[3].tunnels[0].length_m: must be &gt; 0 (got -5200) (line 42)</c>.
/// </summary>
public sealed class AssetRegistryException : Exception
{
    public AssetRegistryException()
        : this("The asset registry could not be loaded.")
    {
    }

    public AssetRegistryException(string message)
        : base(message)
    {
        Errors = [message];
    }

    public AssetRegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public AssetRegistryException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>All errors found, in file order; never empty.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var header = errors.Count == 1
            ? "The asset registry has 1 error:"
            : $"The asset registry has {errors.Count} errors:";
        return string.Join(Environment.NewLine + "  ", [header, .. errors]);
    }
}
