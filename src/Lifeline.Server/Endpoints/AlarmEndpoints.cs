using System.Security.Claims;
using Lifeline.Alarms;
using Lifeline.Server.Accounts;

namespace Lifeline.Server.Endpoints;

public static class AlarmEndpoints
{
    public const string DefaultUser = "operator";

    public static IEndpointRouteBuilder MapAlarmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alarms").WithTags("Alarms");

        // Active alarms, with the seq they are consistent with: apply pushed changes with a greater seq on top.
        group.MapGet("/", (AlarmService alarms) => TypedResults.Ok(alarms.Snapshot()));

        // 'epoch' (from the snapshot) is optional; a client that sends it learns of a restart through truncated = true.
        group.MapGet("/changes", (string? since, string? epoch, AlarmService alarms) =>
        {
            if (!long.TryParse(since, out var from) || from < 0)
            {
                return Results.Problem(
                    title: "Invalid 'since'",
                    detail: $"query parameter 'since' must be a non-negative integer seq, got '{since}'",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            return TypedResults.Ok(alarms.GetChangesSince(from, string.IsNullOrEmpty(epoch) ? null : epoch));
        });

        group.MapPost("/{id}/ack", (string id, AckRequest? request, AlarmService alarms, ClaimsPrincipal principal) =>
        {
            // Attributed to the signed-in user; the body's 'user' is ignored.
            var user = principal.Identity?.Name ?? DefaultUser;
            if (user.Length > 64)
            {
                return Results.Problem(title: "Invalid user", detail: "'user' must be at most 64 characters", statusCode: StatusCodes.Status400BadRequest);
            }

            var (outcome, alarm) = alarms.Acknowledge(id, user);
            return outcome switch
            {
                AckOutcome.NotFound => Results.Problem(
                    title: "No such active alarm",
                    detail: $"alarm '{id}' is not active (unknown id, or already cleared and acknowledged)",
                    statusCode: StatusCodes.Status404NotFound),
                _ => Results.Ok(alarm),
            };
        }).RequireAuthorization(Policies.Operator);

        return app;
    }
}
