using System.Text.Json;
using Lifeline.Alarms;
using Lifeline.Control;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Ingestion.Mqtt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers interlocks and commands, and maps the command API.</summary>
public static class ControlExtensions
{
    /// <summary>
    /// Interlocks and commands (section <c>Control</c>): the <see cref="CommandCatalog"/> (command outputs per device
    /// model from <c>modbus.yaml</c>, loaded whether or not Modbus polling is enabled), the interlocks
    /// (<c>interlocks.yaml</c>), the <see cref="InterlockEngine"/> as an <see cref="IAlarmObserver"/> and the
    /// <see cref="CommandService"/> (a hosted service) on its <see cref="CommandJournal"/> (<c>Control:Journal:Path</c>,
    /// default <c>data/commands</c>, resolved against the content root). Call after <c>AddAssetRegistry</c>, <c>AddMqttIngestion</c> and
    /// <c>AddModbusIngestion</c>: with the registry registered, both files are loaded now, so a broken file stops
    /// start-up with an <see cref="Lifeline.Assets.AssetRegistryException"/> listing every error.
    /// </summary>
    public static IHostApplicationBuilder AddControl(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ControlOptions>().BindConfiguration(ControlOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ControlOptions>>().Value.Journal;
            var path = Path.GetFullPath(Path.Combine(contentRoot, options.Path));
            return CommandJournal.Open(options, path, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<CommandJournal>>());
        });
        var registry = services.LastOrDefault(s => s.ServiceType == typeof(AssetRegistry))?.ImplementationInstance as AssetRegistry;
        if (registry is not null)
        {
            var catalog = LoadCatalog(registry, builder.Configuration);
            services.AddSingleton(catalog);
            services.AddSingleton<IReadOnlyList<InterlockRule>>(InterlockLoader.Load(InterlocksPath(builder.Configuration), catalog));
        }
        else
        {
            services.AddSingleton(sp => LoadCatalog(sp.GetRequiredService<AssetRegistry>(), sp.GetRequiredService<IConfiguration>()));
            services.AddSingleton<IReadOnlyList<InterlockRule>>(sp => InterlockLoader.Load(InterlocksPath(sp.GetRequiredService<IConfiguration>()), sp.GetRequiredService<CommandCatalog>()));
        }

        services.AddSingleton(sp => new CommandService(
            sp.GetRequiredService<CommandCatalog>(),
            sp.GetService<IModbusCommander>(),
            // Resolved on first use: the ingestion client itself depends (through the sink and the alarm service) on
            // the interlock engine, which depends on this service.
            sp.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IMqttCommandPublisher)) ? new DeferredMqttCommandPublisher(sp) : null,
            sp.GetRequiredService<AlarmService>,
            sp.GetServices<ICommandObserver>(),
            sp.GetRequiredService<IOptions<ControlOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<CommandService>>(),
            sp.GetRequiredService<CommandJournal>()));
        services.AddHostedService(sp => sp.GetRequiredService<CommandService>());
        services.AddSingleton(sp => new InterlockEngine(
            sp.GetRequiredService<IReadOnlyList<InterlockRule>>(), sp.GetRequiredService<CommandService>(), sp.GetRequiredService<ILogger<InterlockEngine>>()));
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<InterlockEngine>());
        return builder;
    }

    /// <summary>
    /// <c>POST /api/devices/{id}/commands</c> (body <c>{"channel": "fan1_cmd", "value": true, "user": "…", "reason": "…"}</c>;
    /// 202 with the <see cref="CommandRecord"/>, 404 for an unknown device, 400 for an unknown or read-only channel or a
    /// bad value, as ProblemDetails), <c>GET /api/commands?limit=</c> (the audit trail, newest first, default 100; with
    /// <c>from=</c>, <c>to=</c> (requested in [from, to)) or <c>device=</c>, older history from the journal too) and
    /// <c>GET /api/commands/{id}</c> (from the journal once it is out of memory). The host authorises: <paramref name="commandPolicy"/> (if given) is required to send a
    /// command, on top of what the host requires of every endpoint. A command is attributed to the signed-in user; the
    /// body's <c>user</c> counts only on a host without authentication.
    /// </summary>
    public static IEndpointRouteBuilder MapControlEndpoints(this IEndpointRouteBuilder endpoints, string? commandPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var send = endpoints.MapPost("/api/devices/{id}/commands", (string id, CommandBody? body, CommandService commands, HttpContext http) =>
        {
            if (body?.Channel is not { Length: > 0 } channel)
            {
                return Results.Problem(title: "Bad command", detail: "body needs 'channel' (e.g. fan1_cmd) and 'value'", statusCode: StatusCodes.Status400BadRequest);
            }

            double value;
            switch (body.Value.ValueKind)
            {
                case JsonValueKind.True:
                    value = 1;
                    break;
                case JsonValueKind.False:
                    value = 0;
                    break;
                case JsonValueKind.Number:
                    value = body.Value.GetDouble();
                    break;
                default:
                    return Results.Problem(title: "Bad command", detail: "'value' must be true, false or a number", statusCode: StatusCodes.Status400BadRequest);
            }

            var user = http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } signedIn } ? signedIn
                : string.IsNullOrWhiteSpace(body.User) ? "operator" : body.User.Trim();
            try
            {
                var record = commands.Submit(new CommandRequest(id, channel, value, string.IsNullOrWhiteSpace(body.Reason) ? $"operator command by {user}" : body.Reason, User: user));
                return Results.Accepted($"/api/commands/{record.Id}", record);
            }
            catch (CommandRejectedException ex)
            {
                return ex.Rejection == CommandRejection.UnknownDevice
                    ? Results.Problem(title: "Unknown device", detail: ex.Message, statusCode: StatusCodes.Status404NotFound)
                    : Results.Problem(title: "Command not accepted", detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
            }
        });
        if (commandPolicy is not null)
        {
            send.RequireAuthorization(commandPolicy);
        }

        endpoints.MapGet("/api/devices/{id}/commands", (string id, CommandCatalog catalog) =>
            catalog.Registry.TryGetDevice(id, out var device)
                ? Results.Ok(catalog.CommandsOf(device.Model)
                    .Where(p => catalog.TryGetTarget(device, p.Name, out _))
                    .Select(p => new DeviceCommandOutput(p.Name, p.Feedback, p.IsBit || p.Format.DataType == Lifeline.Modbus.ModbusDataType.Bool)))
                : Results.Problem(title: "Unknown device", detail: $"'{id}' is not a device of the registry", statusCode: StatusCodes.Status404NotFound));
        endpoints.MapGet("/api/commands", (int? limit, DateTimeOffset? from, DateTimeOffset? to, string? device, CommandService commands) =>
        {
            if (limit is < 1 or > 100_000)
            {
                return Results.Problem(title: "Bad limit", detail: "limit must be 1..100000", statusCode: StatusCodes.Status400BadRequest);
            }

            if (from is { } start && to is { } end && start >= end)
            {
                return Results.Problem(title: "Bad range", detail: "from must be before to", statusCode: StatusCodes.Status400BadRequest);
            }

            return from is null && to is null && string.IsNullOrEmpty(device)
                ? Results.Ok(commands.Recent(limit ?? 100))
                : Results.Ok(commands.History(new CommandHistoryQuery(from, to, string.IsNullOrEmpty(device) ? null : device, limit ?? 100)));
        });
        endpoints.MapGet("/api/commands/{id}", (string id, CommandService commands) =>
            commands.Lookup(id) is { } record
                ? Results.Ok(record)
                : Results.Problem(title: "Unknown command", detail: $"command '{id}' is not in the audit trail", statusCode: StatusCodes.Status404NotFound));
        return endpoints;
    }

    /// <summary>Where <c>interlocks.yaml</c> is: <c>Control:InterlocksPath</c>, else in <c>Assets:Path</c> (default <c>seeds/baoshan</c>).</summary>
    public static string InterlocksPath(IConfiguration? configuration)
    {
        var configured = configuration?[$"{ControlOptions.SectionName}:{nameof(ControlOptions.InterlocksPath)}"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Locate(configured);
        }

        var assets = configuration?["Assets:Path"];
        return Path.Combine(Locate(string.IsNullOrWhiteSpace(assets) ? "seeds/baoshan" : assets), InterlockLoader.FileName);
    }

    private static CommandCatalog LoadCatalog(AssetRegistry registry, IConfiguration? configuration)
    {
        var file = ModbusIngestionExtensions.ProfilePath(configuration?["Modbus:Path"], configuration);
        return new CommandCatalog(registry, ModbusProfileLoader.Load(file, registry).Profiles);
    }

    private static string Locate(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, path);

    /// <summary>The body of an operator command.</summary>
    /// <param name="Channel">Command output, e.g. <c>fan1_cmd</c>.</param>
    /// <param name="Value">true, false or a number.</param>
    /// <param name="User">Who sends it: ignored when the request is authenticated (the signed-in user sends it).</param>
    /// <param name="Reason">Optional operator text.</param>
    public sealed record CommandBody(string? Channel, JsonElement Value, string? User, string? Reason);
}

/// <summary>An <see cref="IMqttCommandPublisher"/> resolved when the first command is published.</summary>
internal sealed class DeferredMqttCommandPublisher(IServiceProvider services) : IMqttCommandPublisher
{
    private readonly Lazy<IMqttCommandPublisher> _publisher = new(services.GetRequiredService<IMqttCommandPublisher>);

    public Task PublishCommandAsync(string siteId, string deviceId, string commandId, string channel, double value, bool isBoolean, CancellationToken cancellationToken) =>
        _publisher.Value.PublishCommandAsync(siteId, deviceId, commandId, channel, value, isBoolean, cancellationToken);
}

/// <summary>A command output of a device, as the console offers it: its name, the channel that confirms it, and whether it is on/off.</summary>
public sealed record DeviceCommandOutput(string Channel, string? Feedback, bool IsBoolean);
