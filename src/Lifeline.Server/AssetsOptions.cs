using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server;

/// <summary>Configuration section <c>Assets</c>.</summary>
public sealed class AssetsOptions
{
    public const string SectionName = "Assets";

    /// <summary>The city's registry directory. Relative paths are tried from the working directory, then next to the binaries.</summary>
    [Required]
    public string Path { get; set; } = "seeds/baoshan";
}
