using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>
/// Every <c>SelfMonitoring:Interval</c> appends the platform's figures of the interval to the write-ahead log, from
/// where the forwarder stores them in InfluxDB's <c>lifeline_platform</c> like readings (so they survive an InfluxDB
/// outage the same way). Time comes only from the <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class SelfMonitoringService(
    IPlatformFigureSource source,
    WriteAheadLog wal,
    IOptions<SelfMonitoringOptions> options,
    TimeProvider time,
    ILogger<SelfMonitoringService> logger) : BackgroundService
{
    private readonly string _instance = options.Value.Instance is { Length: > 0 } name ? name : Environment.MachineName;
    private long _samples;

    /// <summary>Samples appended since start.</summary>
    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>The <c>instance</c> tag of this server's points.</summary>
    public string Instance => _instance;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        var previousAt = time.GetTimestamp();
        var previous = source.Read();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetTimestamp();
                var end = time.GetUtcNow();
                var current = source.Read();
                var sample = new PlatformSample(end, _instance, PlatformSampler.Fields(previous, current, time.GetElapsedTime(previousAt, now)));
                previous = current;
                previousAt = now;
                try
                {
                    await wal.AppendAsync(WalRecordKind.PlatformSample, sample, PlatformSampleRecord.Write, stoppingToken);
                    Interlocked.Increment(ref _samples);
                }
                catch (Exception ex) when (ex is not OperationCanceledException and not ObjectDisposedException)
                {
                    // The log reports its own write failures on /health; one lost sample is no reason to stop sampling.
                    Log.NotAppended(logger, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 480, Level = LogLevel.Warning, Message = "Self-monitoring sample not written to the write-ahead log: {Error}")]
        public static partial void NotAppended(ILogger logger, string error);
    }
}
