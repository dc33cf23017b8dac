using Lifeline.Alarms;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules;
using Lifeline.Server;
using Lifeline.Server.Health;
using Lifeline.Server.Hubs;
using Lifeline.Server.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>The server's modules, each registering itself.</summary>
public static class LifelineServerExtensions
{
    /// <summary>Loads and validates the asset registry now, so a broken registry stops start-up with exact errors.</summary>
    public static IHostApplicationBuilder AddAssetRegistry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[$"{AssetsOptions.SectionName}:{nameof(AssetsOptions.Path)}"] ?? new AssetsOptions().Path;
        var path = System.IO.Path.IsPathRooted(configured) || Directory.Exists(configured)
            ? configured
            : System.IO.Path.Combine(AppContext.BaseDirectory, configured);
        if (!Directory.Exists(path))
        {
            throw new AssetRegistryException([$"{configured}: asset registry directory not found (set Assets:Path)"]);
        }

        builder.Services.AddSingleton(AssetRegistryLoader.Load(path));
        return builder;
    }

    /// <summary>The bounded queue from ingestion to evaluation, the latest-value store and the processor.</summary>
    public static IHostApplicationBuilder AddTelemetryPipeline(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<PipelineOptions>().BindConfiguration(PipelineOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SensorStore>();
        builder.Services.AddSingleton<TelemetryPipeline>();
        builder.Services.AddSingleton<ITelemetrySink>(sp => sp.GetRequiredService<TelemetryPipeline>());
        builder.Services.AddSingleton<TelemetryProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryProcessor>());
        return builder;
    }

    /// <summary>The threshold rule engine over the registry's rules.</summary>
    public static IHostApplicationBuilder AddRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => new RuleEngine(sp.GetRequiredService<AssetRegistry>()));
        return builder;
    }

    /// <summary>The alarm service (state, seq, change log).</summary>
    public static IHostApplicationBuilder AddAlarms(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<AlarmService>();
        return builder;
    }

    /// <summary>SignalR push of alarm transitions to the control room.</summary>
    public static IHostApplicationBuilder AddLiveAlarms(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddSingleton<AlarmBroadcaster>();
        builder.Services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<AlarmBroadcaster>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlarmBroadcaster>());
        return builder;
    }

    /// <summary><c>/health</c> with the state of the broker connection and the pipeline.</summary>
    public static IHostApplicationBuilder AddLifelineHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck<MqttHealthCheck>("mqtt")
            .AddCheck<PipelineHealthCheck>("pipeline");
        return builder;
    }
}
