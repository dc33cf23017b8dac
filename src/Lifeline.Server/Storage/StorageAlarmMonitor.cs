using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Rules;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Storage;

/// <summary>
/// Watches the write-ahead log and raises the platform's storage alarms: <c>storage backlog</c> (high) when the unstored
/// backlog passes its share of the bound or its age limit, and (critical) when the log is full or cannot be written.
/// Each clears when its condition is gone.
/// </summary>
public sealed class StorageAlarmMonitor(
    WriteAheadLog wal,
    AlarmService alarms,
    IOptions<StorageAlarmOptions> options,
    TimeProvider time) : BackgroundService
{
    private readonly StorageAlarmOptions _options = options.Value;
    private bool _backlog;
    private bool _full;
    private bool _checked;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, time);
        try
        {
            do
            {
                Check();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Evaluates the figures once.</summary>
    public void Check()
    {
        var stats = wal.GetStats();
        var now = time.GetUtcNow();
        var percent = Math.Round(stats.BacklogPercent, 1);
        var old = stats.OldestSegmentStart is { } start && stats.BacklogRecords > 0 && now - start > _options.BacklogAge;
        var backlog = wal.HasConsumer && (percent >= _options.BacklogPercent || old);
        var full = stats.IsFull || stats.WriteError is not null;
        var value = stats.WriteError is not null ? 100 : percent;
        _backlog = Transition(PlatformAlarms.StorageBacklog, _backlog, backlog, value, now);
        _full = Transition(PlatformAlarms.StorageFull, _full, full, value, now);
        _checked = true;
    }

    // Applied every check: the alarm service ignores a raise of an active alarm and a clear of none, and so an alarm
    // restored from the journal after a restart is cleared by the first check that finds its condition gone.
    private bool Transition(ThresholdRule rule, bool was, bool isNow, double value, DateTimeOffset at)
    {
        if (was != isNow || !_checked)
        {
            alarms.Apply(new RuleTransition(isNow ? RuleTransitionKind.Raised : RuleTransitionKind.Cleared, rule, PlatformAlarms.Device, PlatformAlarms.StorageChannel, value, at));
        }

        return isNow;
    }
}
