using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Lifeline.Server.Accounts;

/// <summary>
/// What a user may do. Each role includes the ones before it: <see cref="Admin"/> ⊇ <see cref="Engineer"/> ⊇
/// <see cref="Operator"/> ⊇ <see cref="Viewer"/>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Role>))]
public enum Role
{
    /// <summary>Watches alarms, values and the audit trail.</summary>
    [JsonStringEnumMemberName("viewer")]
    Viewer = 0,

    /// <summary>Acknowledges and shelves alarms, sends commands.</summary>
    [JsonStringEnumMemberName("operator")]
    Operator = 1,

    /// <summary>Edits rules, takes sensors out of service, reloads rules.</summary>
    [JsonStringEnumMemberName("engineer")]
    Engineer = 2,

    /// <summary>Manages users.</summary>
    [JsonStringEnumMemberName("admin")]
    Admin = 3,
}

/// <summary>Role names as they appear in the API, the user file, the CLI and the role claim.</summary>
public static class Roles
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Engineer = "engineer";
    public const string Admin = "admin";

    /// <summary>Every role, lowest first.</summary>
    public static IReadOnlyList<Role> All { get; } = [Role.Viewer, Role.Operator, Role.Engineer, Role.Admin];

    /// <summary>The names for messages: <c>viewer, operator, engineer, admin</c>.</summary>
    public static string Names => string.Join(", ", All.Select(Name));

    public static string Name(Role role) => role switch
    {
        Role.Viewer => Viewer,
        Role.Operator => Operator,
        Role.Engineer => Engineer,
        Role.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>Parses a role name (case-insensitive); no numbers, no other spellings.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Role role)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text?.Trim(), Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>The names of <paramref name="role"/> and every role that includes it (for a role requirement).</summary>
    public static string[] AtLeast(Role role) => All.Where(r => r >= role).Select(Name).ToArray();
}
