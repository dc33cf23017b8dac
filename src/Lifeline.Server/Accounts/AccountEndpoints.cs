using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Lifeline.Server.Accounts;

/// <summary>
/// Sign-in (<c>/api/auth</c>) and user management for admins (<c>/api/users</c>).
/// </summary>
public static partial class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var auth = app.MapGroup("/api/auth").WithTags("Accounts");
        auth.MapPost("/login", LoginAsync).AllowAnonymous().RequireRateLimiting(AccountsExtensions.LoginRateLimit);
        auth.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(AccountSchemes.Cookie);
            return Results.NoContent();
        }).AllowAnonymous();
        auth.MapGet("/me", (ClaimsPrincipal principal) => Results.Ok(Me(principal)));

        var users = app.MapGroup("/api/users").WithTags("Accounts").RequireAuthorization(Policies.Admin);
        users.MapGet("/", (AccountStore store) => Results.Ok(store.Users.Select(UserView.From)));
        users.MapGet("/{name}", (string name, AccountStore store) =>
            store.Find(name) is { } user ? Results.Ok(UserView.From(user)) : Problem(new AccountException(AccountError.UnknownUser, $"no user '{name}'")));
        users.MapPost("/", CreateUserAsync);
        users.MapPut("/{name}", UpdateUserAsync);
        users.MapPost("/{name}/tokens", CreateTokenAsync);
        users.MapDelete("/{name}/tokens/{id}", RevokeTokenAsync);
        return app;
    }

    /// <summary>Who is signed in, and how (<c>cookie</c> or <c>token</c>).</summary>
    public static object Me(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var tokenId = principal.FindFirstValue(AccountClaims.TokenId);
        return new
        {
            name = principal.Identity?.Name,
            role = Roles.Name(AccountClaims.RoleOf(principal)),
            authenticatedBy = tokenId is null ? "cookie" : "token",
            tokenId,
        };
    }

    private static async Task<IResult> LoginAsync(LoginRequest? request, HttpContext http, AccountStore store, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var address = http.Connection.RemoteIpAddress?.ToString();
        var user = await store.AuthenticateAsync(request?.User, request?.Password);
        if (user is null)
        {
            // One answer for unknown user, disabled user and wrong password: nothing to learn from it.
            var attempted = Printable(request?.User);
            Log.SignInRefused(logger, attempted, address);
            return Results.Problem(title: "Sign-in failed", detail: "wrong user name or password", statusCode: StatusCodes.Status401Unauthorized);
        }

        var principal = AccountClaims.Principal(user, AccountSchemes.Cookie);
        await http.SignInAsync(AccountSchemes.Cookie, principal, new AuthenticationProperties { IsPersistent = false });
        Log.SignedIn(logger, user.Name, address);
        return Results.Ok(Me(principal));
    }

    private static async Task<IResult> CreateUserAsync(NewUserRequest? request, ClaimsPrincipal admin, AccountStore store, ILoggerFactory loggers)
    {
        if (!Roles.TryParse(request?.Role, out var role))
        {
            return Problem(new AccountException(AccountError.InvalidRole, $"'role' must be one of {Roles.Names}"));
        }

        var generated = string.IsNullOrEmpty(request!.Password) ? Passwords.GenerateFor(request.Name) : null;
        try
        {
            var user = await store.AddUserAsync(request.Name ?? string.Empty, role, generated ?? request.Password!);
            Changed(loggers, admin, user.Name, $"created with role {Roles.Name(role)}");
            return Results.Created($"/api/users/{Uri.EscapeDataString(user.Name)}", new { user = UserView.From(user), password = generated });
        }
        catch (AccountException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> UpdateUserAsync(string name, UpdateUserRequest? request, ClaimsPrincipal admin, AccountStore store, ILoggerFactory loggers)
    {
        if (request is null || (request.Role is null && request.Disabled is null && request.Password is null))
        {
            return Results.Problem(title: "Nothing to change", detail: "send 'role', 'disabled' and/or 'password'", statusCode: StatusCodes.Status400BadRequest);
        }

        Role? role = null;
        if (request.Role is not null)
        {
            if (!Roles.TryParse(request.Role, out var parsed))
            {
                return Problem(new AccountException(AccountError.InvalidRole, $"'role' must be one of {Roles.Names}"));
            }

            role = parsed;
        }

        try
        {
            var user = await store.UpdateAsync(name, role, request.Disabled, request.Password);
            var what = string.Join(", ", new[]
            {
                role is { } r ? $"role {Roles.Name(r)}" : null,
                request.Disabled is { } d ? (d ? "disabled" : "enabled") : null,
                request.Password is not null ? "password reset" : null,
            }.OfType<string>());
            Changed(loggers, admin, user.Name, what);
            return Results.Ok(UserView.From(user));
        }
        catch (AccountException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> CreateTokenAsync(string name, NewTokenRequest? request, ClaimsPrincipal admin, AccountStore store, TimeProvider time, ILoggerFactory loggers)
    {
        var expiresAt = request?.ExpiresAt;
        if (request?.ExpiresInDays is { } days)
        {
            if (expiresAt is not null || !(days > 0 && days <= 3650))
            {
                return Results.Problem(title: "Invalid expiry", detail: "send either 'expiresAt' or 'expiresInDays' (more than 0, at most 3650)", statusCode: StatusCodes.Status400BadRequest);
            }

            expiresAt = time.GetUtcNow().AddDays(days);
        }

        try
        {
            var created = await store.CreateTokenAsync(name, request?.Name ?? string.Empty, expiresAt);
            Changed(loggers, admin, created.User.Name, $"token {created.Token.Id} '{created.Token.Name}' created");
            return Results.Created(
                $"/api/users/{Uri.EscapeDataString(created.User.Name)}",
                new { user = created.User.Name, token = created.Secret, id = created.Token.Id, name = created.Token.Name, expiresAt = created.Token.ExpiresAt });
        }
        catch (AccountException ex)
        {
            return Problem(ex);
        }
    }

    private static async Task<IResult> RevokeTokenAsync(string name, string id, ClaimsPrincipal admin, AccountStore store, ILoggerFactory loggers)
    {
        try
        {
            var token = await store.RevokeTokenAsync(name, id);
            Changed(loggers, admin, name, $"token {token.Id} '{token.Name}' revoked");
            return Results.NoContent();
        }
        catch (AccountException ex)
        {
            return Problem(ex);
        }
    }

    private static IResult Problem(AccountException ex) => ex.Error switch
    {
        AccountError.UnknownUser or AccountError.UnknownToken => Results.Problem(title: "Not found", detail: ex.Message, statusCode: StatusCodes.Status404NotFound),
        AccountError.DuplicateUser or AccountError.LastAdmin => Results.Problem(title: "Conflict", detail: ex.Message, statusCode: StatusCodes.Status409Conflict),
        _ => Results.Problem(title: "Invalid request", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest),
    };

    private static void Changed(ILoggerFactory loggers, ClaimsPrincipal admin, string user, string change)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var actor = admin.Identity?.Name;
        Log.UserChanged(logger, actor, user, change);
    }

    private static string Printable(string? text) =>
        text is null ? "(none)" : new string(text.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static partial class Log
    {
        [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "{User} signed in from {Address}")]
        public static partial void SignedIn(ILogger logger, string user, string? address);

        [LoggerMessage(EventId = 611, Level = LogLevel.Warning, Message = "Sign-in refused for '{User}' from {Address}")]
        public static partial void SignInRefused(ILogger logger, string user, string? address);

        [LoggerMessage(EventId = 612, Level = LogLevel.Information, Message = "{Admin} changed user {User}: {Change}")]
        public static partial void UserChanged(ILogger logger, string? admin, string user, string change);
    }
}

/// <summary>Body of <c>POST /api/auth/login</c>.</summary>
public sealed record LoginRequest(string? User, string? Password);

/// <summary>Body of <c>POST /api/users</c>: without a password, one is generated and returned once.</summary>
public sealed record NewUserRequest(string? Name, string? Role, string? Password);

/// <summary>Body of <c>PUT /api/users/{name}</c>: what is given changes.</summary>
public sealed record UpdateUserRequest(string? Role, bool? Disabled, string? Password);

/// <summary>Body of <c>POST /api/users/{name}/tokens</c>: a name, and optionally <c>expiresAt</c> or <c>expiresInDays</c>.</summary>
public sealed record NewTokenRequest(string? Name, DateTimeOffset? ExpiresAt, double? ExpiresInDays);

/// <summary>A user as the API shows it: never a hash.</summary>
public sealed record UserView(string Name, string Role, bool Disabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, IReadOnlyList<TokenView> Tokens)
{
    public static UserView From(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new(user.Name, Roles.Name(user.Role), user.Disabled, user.CreatedAt, user.UpdatedAt, user.Tokens.Select(TokenView.From).ToList());
    }
}

/// <summary>A token as the API shows it: id, name and dates, never the token or its hash.</summary>
public sealed record TokenView(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static TokenView From(ApiToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new(token.Id, token.Name, token.CreatedAt, token.ExpiresAt, token.RevokedAt);
    }
}
