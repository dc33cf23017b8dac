using System.Text.Json.Serialization;
using Lifeline.Server.Accounts;
using Lifeline.Server.Endpoints;
using Lifeline.Server.Health;
using Lifeline.Server.Hubs;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lifeline.Server;

/// <summary>Composition root: the table of contents of the platform.</summary>
public static class LifelineApp
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>
    /// Binds and validates every options section now, so a bad value stops start-up with a clear message before
    /// any service starts (and before the host logs its own failure).
    /// </summary>
    public static void ValidateConfiguration(IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<Lifeline.Ingestion.Mqtt.MqttOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Ingestion.Mqtt.IngestionOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Pipeline.PipelineOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Storage.Wal.WalOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Storage.Forwarding.ForwarderOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Storage.StorageAlarmOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Storage.History.HistoryOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Influx.InfluxOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Ingestion.Modbus.ModbusOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Control.ControlOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Alarms.AlarmOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Alarms.Incidents.IncidentOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Alarms.Kpis.AlarmKpiOptions>>().Value;
        _ = services.GetRequiredService<IOptions<AccountsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<RuleReload.RuleReloadOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SelfMonitoring.SelfMonitoringOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Lifeline.Notifications.NotificationOptions>>().Value;
        _ = services.GetRequiredService<IOptions<ScaleOut.LiveOptions>>().Value;
        var simulator = services.GetRequiredService<IOptions<Lifeline.Simulation.SimulatorOptions>>().Value;
        if (simulator.Enabled)
        {
            // Scenario targets are checked against the registry here, so a typo stops start-up with its reason.
            var registry = services.GetRequiredService<Lifeline.Domain.Assets.AssetRegistry>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (!Lifeline.Simulation.SimulationPlan.TryCreate(registry, simulator, now, out _, out var errors))
            {
                throw new OptionsValidationException(Lifeline.Simulation.SimulatorOptions.SectionName, typeof(Lifeline.Simulation.SimulatorOptions), errors);
            }
        }
    }

    private static string StaticAssetsManifest =>
        Path.Combine(AppContext.BaseDirectory, $"{System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name}.staticwebassets.endpoints.json");

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddProblemDetails();
        builder.Services.AddResponseCompression(o => o.MimeTypes = ["application/json", "application/problem+json", "text/javascript", "text/css", "text/html"]);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        builder.AddAssetRegistry();
        builder.AddAccounts();
        builder.AddTelemetryPipeline();
        builder.AddMqttIngestion();
        builder.AddRules();
        builder.AddAnomalyDetection();
        builder.AddAlarms();
        builder.AddNotifications();
        builder.AddStorage();
        builder.AddSelfMonitoring();
        builder.AddLiveAlarms();
        builder.AddLiveScaleOut();
        builder.AddLifelineHealth();
        builder.AddLifelineMetrics();

        // The simulator serves the Modbus devices of modbus.yaml when polling is on; with the simulator on and
        // Modbus:Enabled not set, polling is on, so the one-command quick start has both. The poller is
        // registered after the simulator, so its slaves listen before the first poll.
        if (string.Equals(builder.Configuration["Simulator:Enabled"], "true", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Modbus:Enabled"]))
        {
            builder.Configuration.AddInMemoryCollection([new("Modbus:Enabled", "true")]);
        }

        builder.AddSimulator();

        builder.AddModbusIngestion();
        builder.AddControl();
        builder.Services.AddSingleton<CommandBroadcaster>();
        builder.Services.AddSingleton<Lifeline.Control.ICommandObserver>(sp => sp.GetRequiredService<CommandBroadcaster>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CommandBroadcaster>());

        var app = builder.Build();
        app.UseResponseCompression();
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Default document before routing, so "/" is served as index.html by the static asset endpoints.
        app.UseDefaultFiles();
        app.UseRouting();
        if (File.Exists(StaticAssetsManifest))
        {
            // The console's files (login page included) are public; its data is not.
            app.MapStaticAssets().AllowAnonymous();
        }
        else
        {
            // Hosted by another entry assembly (tests, benchmarks): serve wwwroot from the content root (before
            // authorization, so anonymously).
            app.UseStaticFiles();
        }

        // Every endpoint requires a signed-in user unless it says otherwise (fallback policy); 401/403 as ProblemDetails.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapAccountEndpoints();
        var watch = app.MapGroup(string.Empty).RequireAuthorization(Policies.Viewer);
        watch.MapAlarmEndpoints();
        watch.MapIncidentEndpoints();
        watch.MapAlarmKpiEndpoints();
        watch.MapAssetEndpoints();
        watch.MapHistoryEndpoints();
        watch.MapControlEndpoints(commandPolicy: Policies.Operator);
        watch.MapRuleEndpoints();
        watch.MapAlarmNotifications();
        app.MapAckLinks();
        app.MapHub<AlarmHub>(AlarmHub.Path, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization(Policies.Viewer);
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous();
        app.MapLifelineMetrics();
        return app;
    }
}
