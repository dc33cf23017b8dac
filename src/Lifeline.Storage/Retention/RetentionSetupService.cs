using Lifeline.Domain.Assets;
using Lifeline.Influx.Retention;
using Lifeline.Storage.Schema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lifeline.Storage.Retention;

/// <summary>
/// At start-up, brings InfluxDB's retention and downsampling to the configuration (<see cref="InfluxRetentionSetup"/>)
/// for every measurement of readings the registry can produce. While InfluxDB is unreachable or its database or bucket
/// does not exist yet, it tries again every <see cref="RetryInterval"/>; missing rights are logged once as a warning
/// with what an administrator must run. It never stops the platform.
/// </summary>
public sealed partial class RetentionSetupService(
    InfluxRetentionSetup setup,
    AssetRegistry registry,
    TimeProvider time,
    ILogger<RetentionSetupService> logger) : BackgroundService
{
    /// <summary>How long to wait before trying again while InfluxDB is unavailable.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    /// <summary>The last outcome; null before the first attempt ended.</summary>
    public RetentionSetupResult? Last { get; private set; }

    /// <summary>The measurements readings are stored in: one per sensor type, and <c>unregistered</c>.</summary>
    public static IReadOnlyList<string> Measurements(AssetRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.SensorTypes.Values
            .Select(t => string.IsNullOrEmpty(t.Measurement) ? PointSchema.Unregistered : t.Measurement)
            .Append(PointSchema.Unregistered)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var measurements = Measurements(registry);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Last = await setup.ApplyAsync(measurements, stoppingToken);
                if (Last.Status != RetentionSetupStatus.Unavailable)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.Failed(logger, ex.Message);
            }

            await Task.Delay(RetryInterval, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 43, Level = LogLevel.Warning, Message = "InfluxDB retention set-up failed, trying again later: {Message}")]
        public static partial void Failed(ILogger logger, string message);
    }
}
