using Lifeline.Server.ScaleOut;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>Scale-out of the live push: SignalR's Redis backplane when <c>Live:Redis</c> is set.</summary>
public static class LiveScaleOutExtensions
{
    /// <summary>
    /// With <c>Live:Redis</c> set, every hub push goes through Redis to the consoles of every instance, so a console may
    /// connect to any instance. Absent: a single node. A connection string that cannot be parsed stops start-up.
    /// </summary>
    public static IHostApplicationBuilder AddLiveScaleOut(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Redis is null || TryParse(o.Redis, out _), "Live:Redis is not a valid Redis connection string (e.g. 'localhost:6379' or 'redis1:6379,password=…')")
            .ValidateOnStart();
        var live = builder.Configuration.GetSection(LiveOptions.SectionName).Get<LiveOptions>() ?? new LiveOptions();
        if (string.IsNullOrWhiteSpace(live.Redis))
        {
            return builder;
        }

        builder.Services.AddSingleton<LiveBackplaneState>();
        builder.Services.AddSignalR().AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<LiveBackplaneState>((redis, state) =>
            redis.ConnectionFactory = async writer =>
            {
                var options = ParseOrThrow(live.Redis);

                // Keep retrying in the background when Redis is down at start-up (pushes wait for it meanwhile).
                options.AbortOnConnectFail = false;
                options.ChannelPrefix = RedisChannel.Literal(live.RedisChannelPrefix);
                var connection = await ConnectionMultiplexer.ConnectAsync(options, writer);
                state.SetConnection(connection);
                return connection;
            });
        builder.Services.AddHostedService<LiveBackplaneWarmUp>();
        builder.Services.AddHealthChecks().AddCheck<LiveBackplaneHealthCheck>("live");
        return builder;
    }

    private static bool TryParse(string value, out ConfigurationOptions? options)
    {
        options = null;

        // At least one host[:port]; options are key=value. (The client's parser skips what it does not understand.)
        var tokens = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var endpoints = tokens.Where(t => !t.Contains('=', StringComparison.Ordinal)).ToList();
        if (endpoints.Count == 0 || !endpoints.All(IsEndpoint) || tokens.Any(t => t.StartsWith('=')))
        {
            return false;
        }

        try
        {
            options = ConfigurationOptions.Parse(value);
            return options.EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || endpoint.EndsWith(']'))
        {
            return endpoint.Length > 0;
        }

        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;
    }

    private static ConfigurationOptions ParseOrThrow(string value) =>
        TryParse(value, out var options) && options is not null
            ? options
            : throw new OptionsValidationException(LiveOptions.SectionName, typeof(LiveOptions), ["Live:Redis is not a valid Redis connection string"]);
}
