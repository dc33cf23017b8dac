using System.Globalization;
using Lifeline.Alarms.Kpis;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Server.Endpoints;

/// <summary>
/// <c>GET /api/alarms/kpis?from=&amp;to=&amp;position=</c>: ISA-18.2 / EEMUA 191 alarm-system KPIs (rates per operator
/// position, floods, bad actors, chattering, stale alarms, priority distribution, shelving audit) over a window,
/// by default the last 24 hours.
/// </summary>
public static class AlarmKpiEndpoints
{
    public static IEndpointRouteBuilder MapAlarmKpiEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alarms/kpis", Query).WithTags("Alarms");
        return app;
    }

    private static IResult Query(
        string? from,
        string? to,
        string? position,
        AlarmKpiCalculator calculator,
        AssetRegistry registry,
        TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (!TryParseTime(to, now, out var end))
        {
            return BadRequest("to", $"'{to}' is not a time (ISO 8601, e.g. 2026-11-27T08:00:00Z)");
        }

        var window = calculator.DefaultWindow;
        var defaultStart = end.UtcTicks > window.Ticks ? end - window : DateTimeOffset.MinValue;
        if (!TryParseTime(from, defaultStart, out var start))
        {
            return BadRequest("from", $"'{from}' is not a time (ISO 8601, e.g. 2026-11-26T08:00:00Z)");
        }

        if (start >= end)
        {
            return BadRequest("from", $"impossible range: from ({start:O}) must be before to ({end:O})");
        }

        if (string.IsNullOrWhiteSpace(position))
        {
            position = null;
        }
        else if (!IsPosition(position, calculator, registry))
        {
            return BadRequest(
                "position",
                $"'{position}' is not an operator position; known: {string.Join(", ", calculator.KnownPositions)} (a site not mapped in Alarms:Kpis:Positions is a position of its own)");
        }

        AlarmKpis kpis = calculator.Compute(start, end, position);
        return TypedResults.Ok(kpis);
    }

    // A configured position, the position of a site seen in alarms, or a site of the registry that no position claims.
    private static bool IsPosition(string position, AlarmKpiCalculator calculator, AssetRegistry registry) =>
        calculator.KnownPositions.Contains(position, StringComparer.Ordinal)
        || (registry.TryGetSite(position, out _) && calculator.PositionOf(position) == position);

    private static IResult BadRequest(string parameter, string detail) =>
        Results.Problem(title: $"Invalid '{parameter}'", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static bool TryParseTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }
}
