using Microsoft.AspNetCore.Mvc;

namespace Lifeline.Server.Accounts;

/// <summary>401 and 403 as ProblemDetails (no redirect to a login page: the console handles 401 itself).</summary>
public static class AuthProblems
{
    public const string SignInDetail = "sign in (POST /api/auth/login) or send an API token (Authorization: Bearer <token>)";

    public static Task UnauthorizedAsync(HttpContext context, string? detail = null) =>
        WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", detail ?? SignInDetail);

    public static Task ForbiddenAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var role = Roles.Name(AccountClaims.RoleOf(context.User));
        return WriteAsync(context, StatusCodes.Status403Forbidden, "Forbidden", $"the role '{role}' of '{context.User.Identity?.Name}' does not allow this");
    }

    private static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null)
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
            });
        }
    }
}
