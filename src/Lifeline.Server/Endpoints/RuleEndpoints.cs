using Lifeline.Domain.Assets;
using Lifeline.Rules;
using Lifeline.Server.RuleReload;

namespace Lifeline.Server.Endpoints;

public static class RuleEndpoints
{
    public static IEndpointRouteBuilder MapRuleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/rules").WithTags("Rules");

        // The rules in force and the last reload; with ?sensor= the effective rules of one sensor.
        group.MapGet("/", (string? sensor, RuleEngine engine, RuleReloader reloader, AssetRegistry registry) =>
        {
            var current = engine.Current;
            if (string.IsNullOrEmpty(sensor))
            {
                return Results.Ok(RulesView.From(reloader, current));
            }

            if (!SensorIds.TrySplit(sensor, out var deviceId, out var channel)
                || !registry.TryGetDevice(deviceId, out var device)
                || !device.TryGetChannel(channel, out _))
            {
                return Results.Problem(
                    title: "No such sensor",
                    detail: $"'{sensor}' is not a sensor of the registry (expected '{{device}}.{{channel}}', e.g. 'yongchang-rd-trunk-gas-z001-ctl.ch4')",
                    statusCode: StatusCodes.Status404NotFound);
            }

            var disabled = current.Disabled.Where(d => d.SensorId == sensor).Select(d => d.Rule.Id).ToList();
            return Results.Ok(new SensorRulesView(sensor, current.For(sensor).Select(e => e.Rule).ToList(), disabled));
        });

        // Re-reads rules.yaml (only the rules: the asset topology is not reloaded). 200 with what changed once the new
        // rules are in force; 422 with every error when the file is invalid, and the previous rules stay in force.
        group.MapPost("/reload", async (RuleReloader reloader) =>
        {
            var result = await reloader.ReloadAsync(RuleReloadTrigger.Api);
            if (result.Ok)
            {
                return Results.Ok(result);
            }

            return Results.Problem(
                title: "rules.yaml has errors; the previous rules stay in force",
                detail: string.Join(Environment.NewLine, result.Errors),
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["errors"] = result.Errors, ["at"] = result.At });
        }).RequireAuthorization(Lifeline.Server.Accounts.Policies.Engineer);

        return app;
    }
}
