using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Accounts;

/// <summary>
/// Authenticates opaque API tokens (<see cref="AccountSchemes.TokenOf"/>) against their hashes in the
/// <see cref="AccountStore"/>. A token of a disabled user, an expired or a revoked token is refused.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccountStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = AccountSchemes.TokenOf(Request);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (store.AuthenticateToken(token) is not { } match)
        {
            return Task.FromResult(AuthenticateResult.Fail("unknown, expired or revoked API token"));
        }

        var principal = AccountClaims.Principal(match.User, Scheme.Name, match.Token.Id);
        // The hub closes a connection when this passes (HubConnectionContext: CloseOnAuthenticationExpiration).
        var properties = new AuthenticationProperties { ExpiresUtc = match.Token.ExpiresAt };
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, properties, Scheme.Name)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await AuthProblems.UnauthorizedAsync(Context, result.Failure is null ? null : "the API token is unknown, expired or revoked");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => AuthProblems.ForbiddenAsync(Context);
}
