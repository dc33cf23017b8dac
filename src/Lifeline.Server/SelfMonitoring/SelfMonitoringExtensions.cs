using Lifeline.Alarms;
using Lifeline.Server.SelfMonitoring;

namespace Microsoft.Extensions.Hosting;

/// <summary>The platform's own figures, written to InfluxDB's <c>lifeline_platform</c> (section <c>SelfMonitoring</c>).</summary>
public static class SelfMonitoringExtensions
{
    public static IHostApplicationBuilder AddSelfMonitoring(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SelfMonitoringOptions>().BindConfiguration(SelfMonitoringOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AlarmActivationCounter>();
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<AlarmActivationCounter>());
        services.AddSingleton<StorageMeterReader>();
        services.AddSingleton<IPlatformFigureSource, ServerPlatformFigureSource>();
        services.AddSingleton<SelfMonitoringService>();
        if (builder.Configuration.GetValue($"{SelfMonitoringOptions.SectionName}:{nameof(SelfMonitoringOptions.Enabled)}", defaultValue: true))
        {
            services.AddHostedService(sp => sp.GetRequiredService<SelfMonitoringService>());
        }

        return builder;
    }
}
