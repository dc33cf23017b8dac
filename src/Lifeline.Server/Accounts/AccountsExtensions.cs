using System.Security.Claims;
using System.Threading.RateLimiting;
using Lifeline.Server.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Users, sign-in (cookie for the console, bearer tokens for API clients) and role policies.</summary>
public static class AccountsExtensions
{
    /// <summary>Rate-limiter policy of <c>POST /api/auth/login</c>.</summary>
    public const string LoginRateLimit = "login";

    /// <summary>
    /// The <see cref="AccountStore"/> on <c>Accounts:Path</c> (default <c>data/users.json</c> under the content root),
    /// the first-start admin, the authentication schemes (<see cref="AccountSchemes"/>), the role policies
    /// (<see cref="Policies"/>) with a fallback policy requiring a signed-in user everywhere, and the keys that protect
    /// session cookies (in <c>keys/</c> beside the user file, so sessions survive a restart).
    /// </summary>
    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var path = AccountsOptions.Resolve(builder.Environment.ContentRootPath, builder.Configuration[$"{AccountsOptions.SectionName}:{nameof(AccountsOptions.Path)}"]);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AccountStore(path, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<InitialAdmin>();

        var keys = Path.Combine(Path.GetDirectoryName(path)!, "keys");
        services.AddDataProtection().SetApplicationName("Lifeline");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            // Created on first use, owner-only: the keys decrypt session cookies.
            if (!Directory.Exists(keys))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(keys);
                }
                else
                {
                    Directory.CreateDirectory(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(keys), sp.GetRequiredService<ILoggerFactory>());
        }));

        services.AddAuthentication(AccountSchemes.Default)
            .AddPolicyScheme(AccountSchemes.Default, "API token when one is sent, else the console cookie", o =>
                o.ForwardDefaultSelector = context => AccountSchemes.TokenOf(context.Request) is null ? AccountSchemes.Cookie : AccountSchemes.Token)
            .AddCookie(AccountSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AccountSchemes.Token, displayName: "API token", configureOptions: null);
        services.AddOptions<CookieAuthenticationOptions>(AccountSchemes.Cookie).Configure<IOptions<AccountsOptions>>((o, accounts) =>
        {
            o.Cookie.Name = AccountSchemes.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict; // with JSON-only endpoints: no cross-site request carries the session
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = accounts.Value.SessionLifetime;
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => AuthProblems.UnauthorizedAsync(context.HttpContext);
            o.Events.OnRedirectToAccessDenied = context => AuthProblems.ForbiddenAsync(context.HttpContext);
            o.Events.OnValidatePrincipal = ValidateSessionAsync;
        });

        services.AddAuthorizationBuilder().AddLifelinePolicies();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<AccountsOptions>>().Value.LoginAttemptsPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? string.Empty, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
        return builder;
    }

    /// <summary>
    /// Every request with a session cookie: the user must still exist, be enabled and have the password the session
    /// began with; a changed role applies at once.
    /// </summary>
    private static async Task ValidateSessionAsync(CookieValidatePrincipalContext context)
    {
        var store = context.HttpContext.RequestServices.GetRequiredService<AccountStore>();
        var user = store.Find(context.Principal?.Identity?.Name);
        if (user is null || user.Disabled || user.SecurityStamp != context.Principal?.FindFirstValue(AccountClaims.SecurityStamp))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AccountSchemes.Cookie);
            return;
        }

        if (!context.Principal.IsInRole(Roles.Name(user.Role)) || context.Principal.Identity?.Name != user.Name)
        {
            context.ReplacePrincipal(AccountClaims.Principal(user, AccountSchemes.Cookie));
            context.ShouldRenew = true;
        }
    }
}
