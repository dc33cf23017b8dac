using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.Accounts;

/// <summary>Section <c>Accounts</c>: where the users are and how long a console session lasts.</summary>
public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";

    public const string DefaultPath = "data/users.json";

    /// <summary>The user file, relative to the content root (like <c>Storage:Wal:Path</c>).</summary>
    [Required]
    public string Path { get; set; } = DefaultPath;

    /// <summary>
    /// On first start (no users), the generated admin password is written to this file (mode 0600) instead of being
    /// printed to the console. For automated deployments and tests. Relative to the content root.
    /// </summary>
    public string? InitialAdminPasswordFile { get; set; }

    /// <summary>How long a console sign-in lasts without activity (sliding: renewed while the console is in use).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "7.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Sign-in attempts per minute from one address (<c>POST /api/auth/login</c>); more get 429.</summary>
    [Range(1, 10_000)]
    public int LoginAttemptsPerMinute { get; set; } = 20;

    /// <summary><paramref name="configured"/> (or the default) as a full path, relative to <paramref name="baseDirectory"/>.</summary>
    public static string Resolve(string baseDirectory, string? configured) =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(baseDirectory, string.IsNullOrWhiteSpace(configured) ? DefaultPath : configured));
}
