using Lifeline.Alarms.Incidents;

namespace Lifeline.Server.Endpoints;

public static class IncidentEndpoints
{
    /// <summary>
    /// <c>GET /api/incidents</c>: the open incidents and the recently closed ones, with the incident seq they are consistent
    /// with (apply pushed <c>IncidentChanged</c> with a greater seq on top); <c>GET /api/incidents/{id}</c>: one incident,
    /// open or still held, else 404 as ProblemDetails.
    /// </summary>
    public static IEndpointRouteBuilder MapIncidentEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");

        group.MapGet("/", (IncidentCorrelator incidents) => TypedResults.Ok(incidents.Snapshot()));

        group.MapGet("/{id}", (string id, IncidentCorrelator incidents) => incidents.Find(id) is { } incident
            ? Results.Ok(incident)
            : Results.Problem(
                title: "No such incident",
                detail: $"incident '{id}' is not open and not among the recently closed ones",
                statusCode: StatusCodes.Status404NotFound));

        return app;
    }
}
