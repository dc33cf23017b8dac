using Lifeline.Alarms;
using Lifeline.Alarms.Persistence;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Alarms;

/// <summary>
/// Writes a snapshot of the alarm state after <see cref="AlarmJournalOptions.SnapshotEvery"/> journal records, at least
/// every <see cref="AlarmJournalOptions.SnapshotInterval"/> while anything changed, and at shut-down — so a restart
/// replays little, and history removed by retention never takes state with it.
/// </summary>
public sealed partial class AlarmSnapshotService(
    AlarmStore store,
    AlarmService alarms,
    IOptions<AlarmOptions> options,
    TimeProvider time,
    ILogger<AlarmSnapshotService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var journal = options.Value.Journal;
        var check = TimeSpan.FromTicks(Math.Min(journal.SnapshotInterval.Ticks, TimeSpan.FromSeconds(5).Ticks));
        var last = time.GetUtcNow();
        using var timer = new PeriodicTimer(check, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var pending = store.SinceSnapshot;
                if (pending >= journal.SnapshotEvery || (pending > 0 && time.GetUtcNow() - last >= journal.SnapshotInterval))
                {
                    TryWrite();
                    last = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await alarms.FlushAsync().WaitAsync(cancellationToken);
        TryWrite();
    }

    private void TryWrite()
    {
        try
        {
            store.WriteSnapshot(alarms.CaptureState);
        }
        catch (IOException ex)
        {
            // The journal still holds everything; the next snapshot tries again.
            Log.Failed(logger, ex, store.Directory);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.Failed(logger, ex, store.Directory);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 465, Level = LogLevel.Warning, Message = "Alarm snapshot in {Directory} could not be written; the journal still holds every transition")]
        public static partial void Failed(ILogger logger, Exception exception, string directory);
    }
}
