using Lifeline.Alarms;
using Lifeline.Alarms.Persistence;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Server.Accounts;

namespace Lifeline.Server.Endpoints;

/// <summary>
/// The alarm list, its changes and history, and the lifecycle actions: acknowledge, reset, shelve, unshelve; zone
/// maintenance and sensors out of service. An action answers once its transition is in the journal on disk.
/// </summary>
public static class AlarmEndpoints
{
    /// <summary>Longest reason or comment kept.</summary>
    public const int MaxTextLength = 500;

    public static IEndpointRouteBuilder MapAlarmEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/alarms").WithTags("Alarms");

        // Alarms that are not over, with the seq they are consistent with: apply pushed changes with a greater seq on top.
        group.MapGet("/", (AlarmService alarms) => TypedResults.Ok(alarms.Snapshot()));

        // 'epoch' (from the snapshot) is optional; a client that sends it learns of a new history through truncated = true.
        group.MapGet("/changes", (string? since, string? epoch, AlarmService alarms) =>
        {
            if (!long.TryParse(since, out var from) || from < 0)
            {
                return HistoryEndpoints.BadRequest("since", $"query parameter 'since' must be a non-negative integer seq, got '{since}'");
            }

            return Results.Ok(alarms.GetChangesSince(from, string.IsNullOrEmpty(epoch) ? null : epoch));
        });

        group.MapGet("/history", History);
        group.MapGet("/scopes", (AlarmService alarms) => TypedResults.Ok(alarms.Scopes()));
        group.MapGet("/{id}", (string id, AlarmService alarms) =>
            alarms.Find(id) is { } alarm ? Results.Ok(alarm) : NotActive(id));

        group.MapPost("/{id}/ack", async (string id, AckRequest? request, HttpContext http, AlarmService alarms) =>
            await Act(http, request?.User, request?.Comment, user => alarms.Acknowledge(id, user, Trim(request?.Comment)), id)).RequireAuthorization(Policies.Operator);

        group.MapPost("/{id}/reset", async (string id, AckRequest? request, HttpContext http, AlarmService alarms) =>
            await Act(http, request?.User, request?.Comment, user => alarms.Reset(id, user, Trim(request?.Comment)), id)).RequireAuthorization(Policies.Operator);

        group.MapPost("/{id}/unshelve", async (string id, AckRequest? request, HttpContext http, AlarmService alarms) =>
            await Act(http, request?.User, request?.Comment, user => alarms.Unshelve(id, user, Trim(request?.Comment)), id)).RequireAuthorization(Policies.Operator);

        group.MapPost("/{id}/shelve", async (string id, ShelveRequest? request, HttpContext http, AlarmService alarms) =>
        {
            if (string.IsNullOrWhiteSpace(request?.Reason))
            {
                return HistoryEndpoints.BadRequest("reason", "a reason is required to shelve an alarm");
            }

            if (request.Minutes is not { } minutes || !double.IsFinite(minutes) || minutes <= 0)
            {
                return HistoryEndpoints.BadRequest("minutes", $"'minutes' must be a positive number (at most {alarms.Options.MaxShelveTime.TotalMinutes:0}), got '{request.Minutes}'");
            }

            if (minutes > alarms.Options.MaxShelveTime.TotalMinutes)
            {
                return HistoryEndpoints.BadRequest("minutes", $"an alarm may be shelved for at most {alarms.Options.MaxShelveTime.TotalMinutes:0} minutes (Alarms:MaxShelveTime), not {minutes}");
            }

            return await Act(http, request.User, request.Reason, user => alarms.Shelve(id, user, Trim(request.Reason)!, TimeSpan.FromMinutes(minutes)), id);
        }).RequireAuthorization(Policies.Operator);

        app.MapPut("/api/zones/{id}/maintenance", async (string id, ScopeRequest? request, HttpContext http, AssetRegistry registry, AlarmService alarms, TimeProvider time) =>
        {
            if (!registry.TryGetZone(id, out _))
            {
                return Results.Problem(title: "No such zone", detail: $"'{id}' is not a fire zone of the registry", statusCode: StatusCodes.Status404NotFound);
            }

            return await SetScope(http, request, time, (user, reason) => alarms.SetZoneMaintenance(id, user, reason, request!.Until), () => alarms.Scopes().First(s => s.Id == id && s.Kind == AlarmScopeDto.ZoneMaintenance));
        }).WithTags("Alarms").RequireAuthorization(Policies.Engineer);

        app.MapDelete("/api/zones/{id}/maintenance", async (string id, string? reason, HttpContext http, AlarmService alarms) =>
            await EndScope(http, AlarmScopeDto.ZoneMaintenance, id, reason, alarms, (user, why) => alarms.EndZoneMaintenance(id, user, why))).WithTags("Alarms").RequireAuthorization(Policies.Engineer);

        app.MapPut("/api/sensors/{id}/out-of-service", async (string id, ScopeRequest? request, HttpContext http, AssetRegistry registry, AlarmService alarms, TimeProvider time) =>
        {
            if (!SensorIds.TrySplit(id, out var deviceId, out var channel) || !registry.TryGetDevice(deviceId, out var device) || !device.TryGetChannel(channel, out _))
            {
                return Results.Problem(title: "No such sensor", detail: $"'{id}' is not a sensor of the registry (expected '{{device}}.{{channel}}')", statusCode: StatusCodes.Status404NotFound);
            }

            return await SetScope(http, request, time, (user, reason) => alarms.RemoveFromService(id, user, reason, request!.Until), () => alarms.Scopes().First(s => s.Id == id && s.Kind == AlarmScopeDto.SensorOutOfService));
        }).WithTags("Alarms").RequireAuthorization(Policies.Engineer);

        app.MapDelete("/api/sensors/{id}/out-of-service", async (string id, string? reason, HttpContext http, AlarmService alarms) =>
            await EndScope(http, AlarmScopeDto.SensorOutOfService, id, reason, alarms, (user, why) => alarms.ReturnToService(id, user, why))).WithTags("Alarms").RequireAuthorization(Policies.Engineer);

        return app;
    }

    /// <summary>Who acts: the signed-in user (a body's <c>user</c> is ignored; every action is attributed to its account).</summary>
    internal static string? Actor(HttpContext http, string? requested) =>
        http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : null;

    private static IResult History(string? from, string? to, string? site, string? zone, string? kind, string? alarm, int? limit, AlarmStore store, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (!HistoryEndpoints.TryParseTime(to, now, out var end))
        {
            return HistoryEndpoints.BadRequest("to", $"'{to}' is not a time (ISO 8601, e.g. 2026-11-27T08:00:00Z)");
        }

        if (!HistoryEndpoints.TryParseTime(from, end - TimeSpan.FromDays(1), out var start))
        {
            return HistoryEndpoints.BadRequest("from", $"'{from}' is not a time (ISO 8601, e.g. 2026-11-26T08:00:00Z)");
        }

        if (start >= end)
        {
            return HistoryEndpoints.BadRequest("from", $"impossible range: from ({start:O}) must be before to ({end:O})");
        }

        if (limit is < 1 or > 10_000)
        {
            return HistoryEndpoints.BadRequest("limit", $"'limit' must be between 1 and 10000, got {limit}");
        }

        var page = store.History(new AlarmHistoryQuery(start, end, Blank(site), Blank(zone), Blank(kind), Blank(alarm), limit ?? 10_000));
        return Results.Ok(new { from = start, to = end, page.Truncated, count = page.Items.Count, transitions = page.Items });
    }

    private static async Task<IResult> Act(HttpContext http, string? requestedUser, string? text, Func<string, AlarmActionResult> action, string id)
    {
        if (Actor(http, requestedUser) is not { } user)
        {
            return Results.Unauthorized();
        }

        if (text is { Length: > MaxTextLength })
        {
            return HistoryEndpoints.BadRequest("comment", $"at most {MaxTextLength} characters");
        }

        var result = action(user);
        await result.Durable;
        return result.Outcome switch
        {
            AlarmActionOutcome.NotFound => NotActive(id),
            AlarmActionOutcome.Refused => Results.Problem(title: "Not allowed in this state", detail: result.Error, statusCode: StatusCodes.Status409Conflict),
            _ => Results.Ok(result.Alarm),
        };
    }

    private static async Task<IResult> SetScope(HttpContext http, ScopeRequest? request, TimeProvider time, Func<string, string, Task> set, Func<AlarmScopeDto> read)
    {
        if (Actor(http, request?.User) is not { } user)
        {
            return Results.Unauthorized();
        }

        if (string.IsNullOrWhiteSpace(request?.Reason) || request.Reason.Length > MaxTextLength)
        {
            return HistoryEndpoints.BadRequest("reason", $"a reason of 1 to {MaxTextLength} characters is required");
        }

        if (request.Until is { } until && until <= time.GetUtcNow())
        {
            return HistoryEndpoints.BadRequest("until", $"'until' ({until:O}) lies in the past");
        }

        await set(user, request.Reason.Trim());
        return Results.Ok(read());
    }

    private static async Task<IResult> EndScope(HttpContext http, string kind, string id, string? reason, AlarmService alarms, Func<string, string, Task> end)
    {
        if (!alarms.IsInScope(kind, id))
        {
            return Results.Problem(title: "Not in force", detail: $"no {kind} is in force for '{id}'", statusCode: StatusCodes.Status404NotFound);
        }

        if (Actor(http, null) is not { } user)
        {
            return Results.Unauthorized();
        }

        await end(user, string.IsNullOrWhiteSpace(reason) ? "ended" : reason.Trim());
        return Results.NoContent();
    }

    private static IResult NotActive(string id) => Results.Problem(
        title: "No such active alarm",
        detail: $"alarm '{id}' is not active (unknown id, or already cleared and acknowledged)",
        statusCode: StatusCodes.Status404NotFound);

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
