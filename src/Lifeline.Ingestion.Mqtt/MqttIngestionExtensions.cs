using Lifeline.Ingestion.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class MqttIngestionExtensions
{
    /// <summary>
    /// MQTT ingestion: the embedded broker (when <c>Mqtt:Mode=Embedded</c>) and the ingestion client. Needs an
    /// <see cref="Lifeline.Domain.Assets.AssetRegistry"/> and an <see cref="Lifeline.Domain.Telemetry.ITelemetrySink"/>.
    /// The ingestion client also publishes commands (<see cref="IMqttCommandPublisher"/>).
    /// </summary>
    public static IHostApplicationBuilder AddMqttIngestion(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<MqttOptions>().BindConfiguration(MqttOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<MqttOptions>, MqttSitesValidator>();
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IngestionMetrics>();
        builder.Services.TryAddSingleton<MqttConnectionState>();
        builder.Services.TryAddSingleton<TelemetryValidator>();
        builder.Services.AddSingleton<EmbeddedMqttBroker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedMqttBroker>());
        builder.Services.AddSingleton<MqttIngestionService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttIngestionService>());
        builder.Services.TryAddSingleton<IMqttCommandPublisher>(sp => sp.GetRequiredService<MqttIngestionService>());
        return builder;
    }
}
