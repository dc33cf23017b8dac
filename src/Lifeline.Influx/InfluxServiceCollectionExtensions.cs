using Lifeline.Influx;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the InfluxDB access layer.</summary>
public static class InfluxServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="InfluxOptions"/> from the <c>Influx</c> section of <paramref name="configuration"/> (validated with
    /// data annotations and <see cref="InfluxOptionsValidator"/>, at start-up too) and registers <see cref="IInfluxWriter"/>,
    /// <see cref="InfluxConnectionCheck"/>, <see cref="Lifeline.Influx.Retention.InfluxRetentionSetup"/> and <see cref="InfluxQueryClient"/> as singletons sharing one HTTP client.
    /// Without <c>Influx:Url</c> they still resolve: the check reports <see cref="InfluxCheckStatus.NotConfigured"/>,
    /// writes and queries throw <see cref="InvalidOperationException"/>.
    /// </summary>
    public static IServiceCollection AddInflux(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<InfluxOptions>()
            .Bind(configuration.GetSection(InfluxOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InfluxOptions>, InfluxOptionsValidator>());
        services.TryAddSingleton<InfluxHttpClientHolder>();
        services.TryAddSingleton<IInfluxWriter>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<InfluxOptions>>().Value;
            return options.IsConfigured
                ? InfluxWriterFactory.Create(options, sp.GetService<ILoggerFactory>(), sp.GetRequiredService<InfluxHttpClientHolder>().Client)
                : new UnconfiguredInfluxWriter();
        });
        services.TryAddSingleton(sp => new InfluxConnectionCheck(
            sp.GetRequiredService<IOptions<InfluxOptions>>().Value,
            sp.GetRequiredService<InfluxHttpClientHolder>().Client,
            sp.GetService<ILogger<InfluxConnectionCheck>>() ?? NullLogger<InfluxConnectionCheck>.Instance));
        services.TryAddSingleton(sp => new Lifeline.Influx.Retention.InfluxRetentionSetup(
            sp.GetRequiredService<IOptions<InfluxOptions>>().Value,
            sp.GetRequiredService<InfluxHttpClientHolder>().Client,
            sp.GetService<ILogger<Lifeline.Influx.Retention.InfluxRetentionSetup>>() ?? NullLogger<Lifeline.Influx.Retention.InfluxRetentionSetup>.Instance));
        services.TryAddSingleton(sp => new InfluxQueryClient(
            sp.GetRequiredService<IOptions<InfluxOptions>>().Value,
            sp.GetRequiredService<InfluxHttpClientHolder>().Client,
            sp.GetService<ILogger<InfluxQueryClient>>() ?? NullLogger<InfluxQueryClient>.Instance));
        return services;
    }
}
