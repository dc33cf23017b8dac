using Lifeline.Simulation;
using Lifeline.Simulation.Hosting;
using Lifeline.Simulation.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the in-process device simulator.</summary>
public static class SimulatorHostingExtensions
{
    /// <summary>
    /// Binds <see cref="SimulatorOptions"/> (section <c>Simulator</c>) and <see cref="SimulatorMqttOptions"/> (section
    /// <c>Mqtt</c>) and, when <c>Simulator:Enabled</c> is true, runs a background service that publishes simulated telemetry
    /// for the devices of the <c>AssetRegistry</c> singleton. It does not block start-up and keeps retrying until the
    /// broker accepts it. <see cref="SimulatorCounters"/> is available from DI for health and metrics.
    /// </summary>
    public static IHostApplicationBuilder AddSimulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
        builder.Services.AddOptions<SimulatorMqttOptions>().BindConfiguration(SimulatorMqttOptions.SectionName);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new SimulatorCounters(sp.GetRequiredService<TimeProvider>()));
        if (builder.Configuration.GetValue<bool>($"{SimulatorOptions.SectionName}:{nameof(SimulatorOptions.Enabled)}"))
        {
            builder.Services.AddHostedService<SimulatorHostedService>();
        }

        return builder;
    }
}
