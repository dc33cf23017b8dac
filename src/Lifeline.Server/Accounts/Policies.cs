using Microsoft.AspNetCore.Authorization;

namespace Lifeline.Server.Accounts;

/// <summary>
/// Authorization policies, one per role, each admitting that role and every role above it:
/// <c>.RequireAuthorization(Policies.Operator)</c> admits operators, engineers and admins.
/// </summary>
public static class Policies
{
    /// <summary>Watch: alarms, values, assets, history, the command audit trail, the hub.</summary>
    public const string Viewer = "role:viewer";

    /// <summary>Acknowledge and shelve alarms, send commands.</summary>
    public const string Operator = "role:operator";

    /// <summary>Edit rules, take sensors out of service, reload rules.</summary>
    public const string Engineer = "role:engineer";

    /// <summary>Manage users and their tokens.</summary>
    public const string Admin = "role:admin";

    /// <summary>The policy that requires <paramref name="role"/> (or a role above it).</summary>
    public static string For(Role role) => role switch
    {
        Role.Viewer => Viewer,
        Role.Operator => Operator,
        Role.Engineer => Engineer,
        Role.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>
    /// Adds the four role policies and the fallback policy: every endpoint without its own authorization (or
    /// <c>AllowAnonymous</c>) requires a signed-in user.
    /// </summary>
    public static AuthorizationBuilder AddLifelinePolicies(this AuthorizationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        foreach (var role in Roles.All)
        {
            builder.AddPolicy(For(role), policy => policy.RequireAuthenticatedUser().RequireRole(Roles.AtLeast(role)));
        }

        return builder;
    }
}
