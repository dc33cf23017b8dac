using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Lifeline.Server.Accounts;

/// <summary>
/// Authentication schemes: the console signs in with a cookie, API clients send a token
/// (<c>Authorization: Bearer llt_…</c>, or <c>?access_token=</c> on the hub path, where browsers and SignalR clients cannot
/// set headers on WebSockets). <see cref="Default"/> picks the token scheme when a token is present, else the cookie.
/// </summary>
public static class AccountSchemes
{
    public const string Default = "Lifeline";

    public const string Cookie = CookieAuthenticationDefaults.AuthenticationScheme;

    public const string Token = "ApiToken";

    public const string CookieName = "lifeline.auth";

    /// <summary>Only here is a token accepted in the query string (SignalR: WebSockets and server-sent events).</summary>
    public const string HubsPrefix = "/hubs";

    public const string AccessTokenParameter = "access_token";

    /// <summary>The presented token (possibly empty), or null when the request carries none.</summary>
    public static string? TokenOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || string.Equals(header, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return header.Length > 7 ? header[7..].Trim() : string.Empty;
        }

        if (request.Path.StartsWithSegments(HubsPrefix, StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue(AccessTokenParameter, out var query))
        {
            return query.ToString();
        }

        return null;
    }
}

/// <summary>The claims of a signed-in user.</summary>
public static class AccountClaims
{
    /// <summary>The user's security stamp when the session began (cookie only): a new password ends the session.</summary>
    public const string SecurityStamp = "lifeline:stamp";

    /// <summary>Id of the token the request was authenticated with (token only).</summary>
    public const string TokenId = "lifeline:token";

    public static ClaimsPrincipal Principal(UserAccount user, string scheme, string? tokenId = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.Name),
            new(ClaimTypes.Role, Roles.Name(user.Role)),
        };
        claims.Add(tokenId is null ? new Claim(SecurityStamp, user.SecurityStamp) : new Claim(TokenId, tokenId));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The role of a signed-in principal (the lowest when it has none, which does not happen).</summary>
    public static Role RoleOf(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return Roles.TryParse(principal.FindFirstValue(ClaimTypes.Role), out var role) ? role : Role.Viewer;
    }
}
