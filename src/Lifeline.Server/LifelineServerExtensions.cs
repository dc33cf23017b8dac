using Lifeline.Alarms;
using Lifeline.Alarms.Incidents;
using Lifeline.Alarms.Kpis;
using Lifeline.Alarms.Persistence;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules;
using Lifeline.Server;
using Lifeline.Server.Health;
using Lifeline.Server.Hubs;
using Lifeline.Server.Pipeline;
using Lifeline.Server.Storage;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.History;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        builder.Services.AddSingleton(new AssetsLocation(path));
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
        builder.Services.AddSingleton<CommLossAlarms>();
        builder.Services.AddSingleton<DurableTelemetrySink>();
        builder.Services.AddSingleton<ITelemetrySink>(sp => sp.GetRequiredService<DurableTelemetrySink>());
        builder.Services.AddSingleton<TelemetryProcessor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TelemetryProcessor>());
        return builder;
    }

    /// <summary>The threshold rule engine over the registry's rules.</summary>
    public static IHostApplicationBuilder AddRules(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp =>
        {
            var engine = new RuleEngine(sp.GetRequiredService<AssetRegistry>());

            // Alarms restored from the journal stay tied to their rules: the sensor's return to normal clears them.
            var alarms = sp.GetRequiredService<AlarmService>();
            engine.RestoreActive(alarms.Snapshot().Alarms.Where(a => a.ConditionActive).Select(a => (a.SensorId, a.RuleId)));
            return engine;
        });
        builder.Services.AddOptions<Lifeline.Server.RuleReload.RuleReloadOptions>().BindConfiguration(Lifeline.Server.RuleReload.RuleReloadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Lifeline.Server.RuleReload.RuleReloader>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Lifeline.Server.RuleReload.RuleReloader>());
        return builder;
    }

    /// <summary>
    /// The alarm service (lifecycle, seq, change log) on its journal: state and history are loaded from
    /// <c>Alarms:Journal:Path</c> at start-up and every transition is journaled before an action answers.
    /// </summary>
    public static IHostApplicationBuilder AddAlarms(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var contentRoot = builder.Environment.ContentRootPath;
        services.AddOptions<AlarmOptions>().BindConfiguration(AlarmOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<AlarmOptions>>().Value.Journal;
            var path = Path.GetFullPath(Path.Combine(contentRoot, options.Path));
            return AlarmStore.Open(options, path, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<AlarmStore>());
        });
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<AlarmStore>();
            var alarms = new AlarmService(sp.GetServices<IAlarmObserver>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<AlarmOptions>>(), store);
            var kpis = sp.GetRequiredService<AlarmKpiCalculator>();
            var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();
            kpis.Restore(store.History(new AlarmHistoryQuery(now - sp.GetRequiredService<IOptions<AlarmKpiOptions>>().Value.Retention, now.AddDays(1), Limit: int.MaxValue)).Items);
            if (store.Load() is { } state)
            {
                alarms.Restore(state);

                // Incidents are rebuilt from the alarms that are not over (their ids start again).
                var incidents = sp.GetRequiredService<IncidentCorrelator>();
                foreach (var alarm in state.Alarms.OrderBy(a => a.Seq))
                {
                    incidents.OnAlarmChanged(alarm);
                }
            }

            // At once, so the epoch of a new journal is kept from the first start.
            store.WriteSnapshot(alarms.CaptureState);
            return alarms;
        });
        services.AddHostedService<Lifeline.Server.Alarms.AlarmSnapshotService>();

        // Correlation along the topology: operators see incidents, not floods.
        services.AddOptions<IncidentOptions>().BindConfiguration(IncidentOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new IncidentCorrelator(
            sp.GetRequiredService<AssetRegistry>(),
            sp.GetServices<IIncidentObserver>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<IncidentOptions>>().Value));
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<IncidentCorrelator>());

        // ISA-18.2 KPIs, fed live and, at start-up, from the journal's history of the KPI window.
        services.AddOptions<AlarmKpiOptions>().BindConfiguration(AlarmKpiOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new AlarmKpiCalculator(sp.GetRequiredService<IOptions<AlarmKpiOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<AlarmKpiCalculator>());
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
        builder.Services.AddSingleton<IncidentBroadcaster>();
        builder.Services.AddSingleton<IIncidentObserver>(sp => sp.GetRequiredService<IncidentBroadcaster>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IncidentBroadcaster>());
        return builder;
    }

    /// <summary>
    /// The write-ahead log every reading and alarm event passes through; with <c>Influx:Url</c> set, the forwarder that
    /// stores them in InfluxDB and the InfluxQL history; without, a rolling local log and an in-memory history window.
    /// Plus the storage alarms and health.
    /// </summary>
    public static IHostApplicationBuilder AddStorage(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WalOptions>().BindConfiguration(WalOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwarderOptions>().BindConfiguration(ForwarderOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageAlarmOptions>().BindConfiguration(StorageAlarmOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HistoryOptions>().BindConfiguration(HistoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        var influxConfigured = StorageComposition.InfluxConfigured(builder.Configuration);
        services.AddInflux(builder.Configuration);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<WalOptions>>().Value;
            options.Path = Path.GetFullPath(Path.Combine(contentRoot, options.Path));
            return WriteAheadLog.Open(options, influxConfigured, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger<WriteAheadLog>());
        });
        services.AddSingleton<AlarmJournal>();
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<AlarmJournal>());
        services.AddHostedService(sp => sp.GetRequiredService<AlarmJournal>());
        services.AddSingleton<StorageMetrics>();
        services.AddSingleton<StorageAlarmMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageAlarmMonitor>());
        if (influxConfigured)
        {
            StorageComposition.AddInfluxStorage(builder, contentRoot);
        }
        else
        {
            services.AddSingleton<MemorySensorHistory>();
            services.AddSingleton<ISensorHistory>(sp => sp.GetRequiredService<MemorySensorHistory>());
        }

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage");
        return builder;
    }

    /// <summary><c>/health</c> with the state of the broker connection and the pipeline.</summary>
    public static IHostApplicationBuilder AddLifelineHealth(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks()
            .AddCheck<MqttHealthCheck>("mqtt")
            .AddCheck<PipelineHealthCheck>("pipeline")
            .AddCheck<ModbusHealthCheck>("modbus");
        return builder;
    }
}
