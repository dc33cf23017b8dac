using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Rules.Anomaly;
using Lifeline.Server.Pipeline;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers anomaly detection on the live stream.</summary>
public static class AnomalyDetectionExtensions
{
    /// <summary>The configuration section: <c>Path</c>, <c>Enabled</c>, and overrides of any key of <c>anomaly.yaml</c>.</summary>
    public const string SectionName = "Anomaly";

    /// <summary>
    /// Loads and validates the city's <c>anomaly.yaml</c> now (<c>Anomaly:Path</c>, else <c>anomaly.yaml</c> in the
    /// registry directory <c>Assets:Path</c>), with the keys of the <c>Anomaly</c> configuration section written over it
    /// (e.g. <c>--Anomaly:defaults:flatline:duration=2s</c>), so a broken file or override stops start-up with an
    /// <see cref="AssetRegistryException"/> listing every error. Registers the <see cref="AnomalyEngine"/>, the
    /// <see cref="AnomalyRuleFactory"/> and <see cref="AnomalyAlarms"/>, which the <see cref="TelemetryProcessor"/> runs
    /// after the threshold rules. <c>Anomaly:Enabled=false</c> (or <c>enabled: false</c> in the file) registers nothing.
    /// Needs the registry (<c>AddAssetRegistry</c> first).
    /// </summary>
    public static IHostApplicationBuilder AddAnomalyDetection(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(SectionName);
        if (string.Equals(section["Enabled"], "false", StringComparison.OrdinalIgnoreCase))
        {
            return builder;
        }

        var registry = builder.Services.LastOrDefault(s => s.ServiceType == typeof(AssetRegistry))?.ImplementationInstance as AssetRegistry
            ?? throw new InvalidOperationException("AddAnomalyDetection needs the asset registry: call AddAssetRegistry first.");
        var file = ConfigPath(section["Path"], builder.Configuration["Assets:Path"]);
        var overrides = section.AsEnumerable(makePathsRelative: true)
            .Where(o => o.Value is not null && !string.Equals(o.Key, "Path", StringComparison.OrdinalIgnoreCase))
            .ToList();
        var config = AnomalyConfigLoader.Load(file, registry, overrides, SectionName);
        if (!config.Enabled)
        {
            return builder;
        }

        builder.Services.AddSingleton(config.Options);
        builder.Services.AddSingleton(new AnomalyEngine(registry, config.Options));
        builder.Services.AddSingleton(new AnomalyRuleFactory(config.Options));
        builder.Services.AddSingleton(sp =>
        {
            // Detector state is not kept across a restart: an anomaly alarm restored active could never clear. Its
            // condition is cleared now (and recorded why); the detector raises it again if the anomaly persists.
            sp.GetRequiredService<Lifeline.Alarms.AlarmService>().ClearConditions(
                a => a.RuleId.StartsWith(AnomalyRuleFactory.RuleIdPrefix, StringComparison.Ordinal),
                "detector state restarts with the server; raised again if the anomaly persists");
            return ActivatorUtilities.CreateInstance<AnomalyAlarms>(sp);
        });
        return builder;
    }

    /// <summary>
    /// Where <c>anomaly.yaml</c> is: <paramref name="configured"/> (<c>Anomaly:Path</c>) when set, else in the registry
    /// directory <paramref name="assets"/> (<c>Assets:Path</c>, default <c>seeds/baoshan</c>). Relative paths are tried
    /// from the working directory, then next to the binaries.
    /// </summary>
    public static string ConfigPath(string? configured, string? assets)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Locate(configured);
        }

        return Path.Combine(Locate(string.IsNullOrWhiteSpace(assets) ? "seeds/baoshan" : assets), AnomalyConfigLoader.FileName);
    }

    private static string Locate(string path) =>
        Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
