using Lifeline.Domain.Assets;
using Lifeline.Server.Pipeline;

namespace Lifeline.Server.Endpoints;

public static class AssetEndpoints
{
    public static IEndpointRouteBuilder MapAssetEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/assets", (AssetRegistry registry) => TypedResults.Ok(AssetTree.From(registry))).WithTags("Assets");

        app.MapGet("/api/sensors/{id}", (string id, SensorStore sensors, Lifeline.Alarms.AlarmService alarms) =>
            sensors.TryGetSensor(id, out var sensor)
                ? Results.Ok(SensorView.From(sensor, alarms))
                : Results.Problem(
                    title: "No such sensor",
                    detail: $"'{id}' is not a sensor of the registry (expected '{{device}}.{{channel}}', e.g. 'yongchang-rd-trunk-gas-z001-ctl.o2')",
                    statusCode: StatusCodes.Status404NotFound)).WithTags("Sensors");

        app.MapGet("/api/sensors", (string? device, SensorStore sensors, Lifeline.Alarms.AlarmService alarms) =>
        {
            if (string.IsNullOrEmpty(device))
            {
                return Results.Problem(title: "Missing 'device'", detail: "query parameter 'device' (a registry device id) is required", statusCode: StatusCodes.Status400BadRequest);
            }

            return sensors.SensorsOf(device) is { } list
                ? Results.Ok(list.Select(s => SensorView.From(s, alarms)))
                : Results.Problem(title: "No such device", detail: $"'{device}' is not a device of the registry", statusCode: StatusCodes.Status404NotFound);
        }).WithTags("Sensors");

        return app;
    }
}
