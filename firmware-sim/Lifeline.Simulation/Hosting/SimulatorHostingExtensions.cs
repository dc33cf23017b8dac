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
    /// <para>
    /// With <c>Simulator:Modbus:Enabled</c> (unset: follows <c>Modbus:Enabled</c>, the platform's poller) the devices of
    /// <c>modbus.yaml</c> (<c>Simulator:Modbus:Path</c>, else <c>Modbus:Path</c>, else the registry directory
    /// <c>Assets:Path</c>) are served as Modbus TCP slaves on their endpoints and not published over MQTT.
    /// </para>
    /// </summary>
    public static IHostApplicationBuilder AddSimulator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName).ValidateOnStart();
        builder.Services.AddOptions<SimulatorMqttOptions>().BindConfiguration(SimulatorMqttOptions.SectionName);
        var configuration = builder.Configuration;
        builder.Services.PostConfigure<SimulatorOptions>(options =>
        {
            // Serve what the platform polls unless told otherwise, from the file the poller reads.
            options.Modbus.Enabled ??= string.Equals(configuration["Modbus:Enabled"], "true", StringComparison.OrdinalIgnoreCase);
            if (string.IsNullOrWhiteSpace(options.Modbus.Path))
            {
                options.Modbus.Path = ModbusIngestionExtensions.ProfilePath(configuration["Modbus:Path"], configuration);
            }
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SimulatorOptions>, SimulatorOptionsValidator>());
        builder.Services.TryAddSingleton(sp => new SimulatorCounters(sp.GetRequiredService<TimeProvider>()));
        if (builder.Configuration.GetValue<bool>($"{SimulatorOptions.SectionName}:{nameof(SimulatorOptions.Enabled)}"))
        {
            builder.Services.AddHostedService<SimulatorHostedService>();
        }

        return builder;
    }
}
