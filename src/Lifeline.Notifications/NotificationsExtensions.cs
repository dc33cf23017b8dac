using Lifeline.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Notifications;
using Lifeline.Notifications.Channels;
using Lifeline.Notifications.Rosters;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers crew notifications (section <c>Notifications</c>).</summary>
public static class NotificationsExtensions
{
    /// <summary>
    /// Loads the rosters (<c>Notifications:Path</c>, default <c>{Assets:Path}/rosters.yaml</c>) now, so a broken file stops
    /// start-up with an <see cref="Lifeline.Assets.AssetRegistryException"/> listing every error. With
    /// <c>Notifications:Enabled</c>, also checks the configured channels (an <see cref="OptionsValidationException"/> naming each
    /// bad key) and registers the <see cref="NotificationService"/> as an alarm observer and hosted service, its journal
    /// (<c>Notifications:Journal:Path</c>) and the acknowledgement links. Call after <c>AddAssetRegistry</c>.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var section = builder.Configuration.GetSection(NotificationOptions.SectionName);
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        var options = section.Get<NotificationOptions>() ?? new NotificationOptions();
        var registry = services.LastOrDefault(s => s.ServiceType == typeof(AssetRegistry))?.ImplementationInstance as AssetRegistry
            ?? throw new InvalidOperationException("AddNotifications needs the asset registry: call AddAssetRegistry first");
        var rosterFile = RosterPath(builder.Configuration, options);
        Roster roster;
        if (options.Enabled)
        {
            var errors = new List<string>(ChannelFactory.Validate(options.Channels));
            errors.AddRange(Validate(options));
            if (errors.Count > 0)
            {
                throw new OptionsValidationException(NotificationOptions.SectionName, typeof(NotificationOptions), errors);
            }

            if (options.PublicBaseUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
            {
                throw new OptionsValidationException(NotificationOptions.SectionName, typeof(NotificationOptions), [$"Notifications:PublicBaseUrl: must be an absolute http(s) address (got '{url}')"]);
            }

            roster = RosterLoader.Load(rosterFile, registry, options.Channels.ToDictionary(c => c.Key, c => c.Value.Type!.Value, StringComparer.Ordinal));
        }
        else
        {
            roster = File.Exists(rosterFile) ? RosterLoader.Load(rosterFile, registry, null) : Roster.Empty;
        }

        services.AddSingleton(roster);
        if (!options.Enabled)
        {
            return builder;
        }

        var contentRoot = builder.Environment.ContentRootPath;
        services.AddSingleton(sp =>
        {
            var journal = sp.GetRequiredService<IOptions<NotificationOptions>>().Value.Journal;
            return NotificationJournal.Open(journal, Path.GetFullPath(Path.Combine(contentRoot, journal.Path)), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<NotificationJournal>>());
        });
        services.AddSingleton(sp =>
        {
            var links = sp.GetRequiredService<IOptions<NotificationOptions>>().Value.AckLinks;
            var time = sp.GetRequiredService<TimeProvider>();
            var result = new AckLinks(AckLinks.LoadKey(links.Secret, Path.GetFullPath(Path.Combine(contentRoot, links.KeyPath))), links.Lifetime, time);
            result.RestoreUsed(sp.GetRequiredService<NotificationJournal>().UsedLinks(time.GetUtcNow() - links.Lifetime));
            return result;
        });
        services.AddSingleton<NotificationHttp>();
        services.AddSingleton(sp =>
        {
            var configured = sp.GetRequiredService<IOptions<NotificationOptions>>().Value;
            var channels = ChannelFactory.Create(configured.Channels, sp.GetRequiredService<NotificationHttp>().Client, sp.GetRequiredService<TimeProvider>());
            return new NotificationService(
                sp.GetRequiredService<Roster>(),
                sp.GetRequiredService<AssetRegistry>(),
                channels,
                configured,
                sp.GetRequiredService<AckLinks>(),
                sp.GetRequiredService<NotificationJournal>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<NotificationService>>(),

                // The alarms restored from the alarm journal: their calls are taken up again where they stood.
                () => sp.GetService<AlarmService>()?.Restored);
        });
        services.AddSingleton<IAlarmObserver>(sp => sp.GetRequiredService<NotificationService>());
        services.AddHostedService(sp => sp.GetRequiredService<NotificationService>());
        services.AddHealthChecks().AddCheck<NotificationHealthCheck>("notifications");
        return builder;
    }

    /// <summary>The checks data annotations do not reach (nested sections, durations).</summary>
    public static IEnumerable<string> Validate(NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RateLimit.Messages < 1)
        {
            yield return $"Notifications:RateLimit:Messages: must be at least 1 (got {options.RateLimit.Messages})";
        }

        if (options.RateLimit.Window <= TimeSpan.Zero)
        {
            yield return $"Notifications:RateLimit:Window: must be positive (got {options.RateLimit.Window})";
        }

        if (options.RateLimit.DigestLines < 1)
        {
            yield return $"Notifications:RateLimit:DigestLines: must be at least 1 (got {options.RateLimit.DigestLines})";
        }

        if (options.Delivery.QueueCapacity < 1)
        {
            yield return $"Notifications:Delivery:QueueCapacity: must be at least 1 (got {options.Delivery.QueueCapacity})";
        }

        if (options.Delivery.Retries is < 0 or > 20)
        {
            yield return $"Notifications:Delivery:Retries: must be 0–20 (got {options.Delivery.Retries})";
        }

        if (options.Delivery.RetryDelay <= TimeSpan.Zero || options.Delivery.MaxRetryDelay < options.Delivery.RetryDelay)
        {
            yield return $"Notifications:Delivery:RetryDelay: must be positive and at most MaxRetryDelay (got {options.Delivery.RetryDelay}, {options.Delivery.MaxRetryDelay})";
        }

        if (options.Delivery.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.Delivery.AttemptTimeout > TimeSpan.FromDays(1))
        {
            yield return $"Notifications:Delivery:AttemptTimeout: must be between 10 ms and 1 day (got {options.Delivery.AttemptTimeout})";
        }

        if (options.AckLinks.Lifetime < TimeSpan.FromMinutes(1))
        {
            yield return $"Notifications:AckLinks:Lifetime: must be at least 1 minute (got {options.AckLinks.Lifetime})";
        }

        if (options.AckLinks.Secret is { Length: > 0 and < 32 } secret)
        {
            yield return $"Notifications:AckLinks:Secret: must be at least 32 characters (got {secret.Length})";
        }
    }

    /// <summary>The roster file: <c>Notifications:Path</c>, else <c>rosters.yaml</c> in the asset registry directory (<c>Assets:Path</c>, found as the server finds it).</summary>
    public static string RosterPath(IConfiguration configuration, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.Path))
        {
            return options.Path;
        }

        var assets = configuration["Assets:Path"] ?? "seeds/baoshan";
        var directory = Path.IsPathRooted(assets) || Directory.Exists(assets) ? assets : Path.Combine(AppContext.BaseDirectory, assets);
        return Path.Combine(directory, RosterLoader.FileName);
    }
}

/// <summary>The HTTP client of the webhook, robot and SMS channels (timeouts are the delivery pipeline's, per attempt).</summary>
public sealed class NotificationHttp : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), ConnectTimeout = TimeSpan.FromSeconds(10) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public void Dispose() => Client.Dispose();
}
