using Lifeline.Alarms;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Server.Accounts;
using Lifeline.Server.Observability;
using Lifeline.Storage.Forwarding;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Metrics: the platform's <c>System.Diagnostics.Metrics</c> instruments (meters <c>Lifeline.*</c>), ASP.NET Core's,
/// Kestrel's, SignalR's and the runtime's, exported by OpenTelemetry in the Prometheus text format on <c>GET /metrics</c>.
/// </summary>
public static class MetricsExtensions
{
    /// <summary>The meters exported on <c>/metrics</c>.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        IngestionMetrics.MeterName,
        ModbusMetrics.MeterName,
        StorageMetrics.MeterName,
        AlarmMetrics.MeterName,
        LiveMetrics.MeterName,
        PipelineMetrics.MeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Http.Connections",
        "System.Runtime",
    ];

    public static IHostApplicationBuilder AddLifelineMetrics(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName);
        builder.Services.TryAddSingleton<LiveMetrics>();
        builder.Services.TryAddSingleton<PipelineMetrics>();
        builder.Services.TryAddSingleton<AlarmMetrics>();
        builder.Services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<AlarmMetrics>());
        builder.Services.AddHostedService<ObservableInstruments>();
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("lifeline", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics => metrics
                .AddMeter([.. Meters])

                // Poll durations are seconds-scale (the default buckets suit milliseconds).
                .AddView("lifeline.modbus.poll.duration", new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
                })

                // Every scrape sees the current values (the exporter caches a response for 300 ms by default).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c>: anonymous unless <c>Metrics:RequireSignIn</c> (then the viewer role).</summary>
    public static WebApplication MapLifelineMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        if (!options.Enabled)
        {
            return app;
        }

        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics");
        if (options.RequireSignIn)
        {
            endpoint.RequireAuthorization(Policies.Viewer);
        }
        else
        {
            endpoint.AllowAnonymous();
        }

        return app;
    }
}
