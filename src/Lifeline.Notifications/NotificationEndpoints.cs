using System.Net;
using System.Text;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Notifications;
using Lifeline.Notifications.Rosters;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The notification history of an alarm, and the acknowledgement links crews open on their phones.</summary>
public static class NotificationEndpoints
{
    /// <summary>
    /// <c>GET /api/alarms/{id}/notifications</c>: every notification about the alarm (latest state of each: queued, sent, failed,
    /// suppressed into a digest, dropped) and acknowledgements made through links, oldest first. Map it on a group that
    /// requires the viewer role.
    /// </summary>
    public static IEndpointRouteBuilder MapAlarmNotifications(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/alarms/{id}/notifications", (string id, HttpContext http) =>
        {
            var journal = http.RequestServices.GetService<NotificationJournal>();
            return Results.Ok(new { alarmId = id, enabled = journal is not null, notifications = journal?.ForAlarm(id) ?? [] });
        }).WithTags("Alarms");
        return app;
    }

    /// <summary>
    /// <c>GET /ack/{token}</c> (anonymous): a small page with the alarm and a button; <c>POST /ack/{token}</c> acknowledges it
    /// in the name of the crew member the link was sent to (<c>crew:{id}</c>). A link works once, until it expires; a changed
    /// link is refused (400), a used or expired one too (410), and one for an alarm that is over answers 404.
    /// </summary>
    public static IEndpointRouteBuilder MapAckLinks(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/ack/{token}", (string token, HttpContext http) => Page(http, token, post: false)).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/ack/{token}", (string token, HttpContext http) => Page(http, token, post: true)).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Page(HttpContext http, string token, bool post)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        var links = http.RequestServices.GetService<AckLinks>();
        if (links is null)
        {
            return Html(StatusCodes.Status404NotFound, "通知未启用", "Notifications are not enabled on this server.");
        }

        var check = links.Check(token);
        if (Refused(check) is { } refused)
        {
            return refused;
        }

        var link = check.Link!;
        var alarms = http.RequestServices.GetRequiredService<AlarmService>();
        var roster = http.RequestServices.GetRequiredService<Roster>();
        var name = roster.People.TryGetValue(link.MemberId, out var member) ? member.Name : link.MemberId;
        if (alarms.Find(link.AlarmId) is not { } alarm)
        {
            return Html(StatusCodes.Status404NotFound, "告警已结束", $"Alarm {link.AlarmId} is over; nothing to acknowledge.");
        }

        if (!post)
        {
            if (alarm.AcknowledgedAt is not null)
            {
                return Html(StatusCodes.Status200OK, "已确认", $"{Describe(alarm)}<p>已由 {Encode(alarm.AcknowledgedBy)} 确认 / already acknowledged by {Encode(alarm.AcknowledgedBy)}.</p>", raw: true);
            }

            return Html(
                StatusCodes.Status200OK,
                "确认接警 / Acknowledge",
                $"{Describe(alarm)}<p>确认人 / by: {Encode(name)}</p><form method=\"post\"><button type=\"submit\">确认接警 / Acknowledge</button></form>",
                raw: true);
        }

        var use = links.Use(token);
        if (Refused(use) is { } usedUp)
        {
            return usedUp;
        }

        var result = alarms.Acknowledge(link.AlarmId, "crew:" + link.MemberId, $"acknowledged through the notification link sent to {name} (crew {link.CrewId})");
        http.RequestServices.GetService<NotificationJournal>()?.Append(new NotificationRecord
        {
            Id = link.Id, AlarmId = link.AlarmId, Kind = "AckLink", Crew = link.CrewId, Recipient = link.MemberId, RecipientName = name,
            Status = "Used", Detail = result.Outcome.ToString(), At = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow(),
        });
        if (result.Alarm is null)
        {
            return Html(StatusCodes.Status404NotFound, "告警已结束", $"Alarm {link.AlarmId} is over; nothing to acknowledge.");
        }

        await result.Durable;
        return Html(StatusCodes.Status200OK, "已确认 / Acknowledged", $"{Describe(result.Alarm)}<p>已由 {Encode(result.Alarm.AcknowledgedBy)} 确认 / acknowledged by {Encode(result.Alarm.AcknowledgedBy)}.</p>", raw: true);
    }

    private static IResult? Refused(AckLinkCheck check) => check.Problem switch
    {
        AckLinkProblem.Invalid => Html(StatusCodes.Status400BadRequest, "链接无效 / Invalid link", "This link is not valid (it was changed or cut). Use the link from the message as it is."),
        AckLinkProblem.Expired => Html(StatusCodes.Status410Gone, "链接已过期 / Link expired", $"This link expired at {check.Link!.Expires:yyyy-MM-dd HH:mm} UTC. Call the control room."),
        AckLinkProblem.Used => Html(StatusCodes.Status410Gone, "链接已使用 / Link already used", "This link has been used already; each link works once."),
        _ => null,
    };

    private static string Describe(AlarmDto alarm) =>
        $"<p><b>{Encode(alarm.Id)}</b> · {Encode(alarm.Priority)} · {Encode(alarm.Kind)}</p><p>{Encode(alarm.Location)}</p><p>{Encode(alarm.Message)}</p>"
        + (alarm.Value is { } v ? $"<p>{v:0.###} {Encode(alarm.Unit)}{(alarm.Limit is { } l ? $" (limit {l:0.###})" : string.Empty)}</p>" : string.Empty);

    private static string Encode(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    private static IResult Html(int status, string title, string body, bool raw = false)
    {
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"zh\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title><style>body{font-family:sans-serif;margin:1.5em;max-width:40em}button{font-size:1.3em;padding:.6em 1.2em}</style></head><body>")
            .Append("<h1>").Append(Encode(title)).Append("</h1>")
            .Append(raw ? body : "<p>" + Encode(body) + "</p>")
            .Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }
}
