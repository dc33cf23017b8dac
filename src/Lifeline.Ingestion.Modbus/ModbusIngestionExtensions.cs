using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers Modbus TCP polling.</summary>
public static class ModbusIngestionExtensions
{
    /// <summary>
    /// Modbus TCP polling (configuration section <c>Modbus</c>): the <see cref="ModbusPollerService"/>, the
    /// <see cref="ModbusPollerState"/> for <c>/health</c>, the <see cref="ModbusMetrics"/> and the
    /// <see cref="IModbusCommander"/> (commands to polled devices over their poll connection). Needs an
    /// <see cref="AssetRegistry"/> and an <see cref="Lifeline.Domain.Telemetry.ITelemetrySink"/>. When
    /// <c>Modbus:Enabled</c> is true and the registry is already registered (<c>AddAssetRegistry</c> first),
    /// <c>modbus.yaml</c> is loaded and validated now, so a broken profile stops start-up with an
    /// <see cref="AssetRegistryException"/> listing every error; otherwise it is loaded when the poller starts.
    /// </summary>
    public static IHostApplicationBuilder AddModbusIngestion(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ModbusOptions>().BindConfiguration(ModbusOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<ModbusPollerState>();
        builder.Services.TryAddSingleton<ModbusMetrics>();

        var enabled = string.Equals(builder.Configuration[$"{ModbusOptions.SectionName}:{nameof(ModbusOptions.Enabled)}"], "true", StringComparison.OrdinalIgnoreCase);
        var registry = builder.Services.LastOrDefault(s => s.ServiceType == typeof(AssetRegistry))?.ImplementationInstance as AssetRegistry;
        if (enabled && registry is not null)
        {
            var file = ProfilePath(builder.Configuration[$"{ModbusOptions.SectionName}:{nameof(ModbusOptions.Path)}"], builder.Configuration);
            builder.Services.AddSingleton(ModbusProfileLoader.Load(file, registry));
        }
        else
        {
            builder.Services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<ModbusOptions>>().Value;
                return options.Enabled
                    ? ModbusProfileLoader.Load(ProfilePath(options.Path, sp.GetService<IConfiguration>()), sp.GetRequiredService<AssetRegistry>())
                    : ModbusPollPlan.Empty;
            });
        }

        builder.Services.TryAddSingleton<ModbusCommander>();
        builder.Services.TryAddSingleton<IModbusCommander>(sp => sp.GetRequiredService<ModbusCommander>());
        builder.Services.AddHostedService<ModbusPollerService>();
        return builder;
    }

    /// <summary>
    /// Where <c>modbus.yaml</c> is: <paramref name="configured"/> (<c>Modbus:Path</c>) when set, else in the registry
    /// directory <c>Assets:Path</c> (default <c>seeds/baoshan</c>). Relative paths are tried from the working
    /// directory, then next to the binaries.
    /// </summary>
    public static string ProfilePath(string? configured, IConfiguration? configuration)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Locate(configured);
        }

        var assets = configuration?["Assets:Path"];
        return Path.Combine(Locate(string.IsNullOrWhiteSpace(assets) ? "seeds/baoshan" : assets), ModbusProfileLoader.FileName);
    }

    private static string Locate(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
