using System.Threading.Channels;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// Copies every alarm transition into the write-ahead log, from where it is stored in InfluxDB's <c>alarm_events</c>
/// for Grafana. Transitions are queued (the alarm service's lock is never held up) and appended in order, waiting
/// while the log is full like readings do, so an alarm flood during an InfluxDB outage never pushes the log past its
/// bound. The alarm journal (<c>Alarms:Journal</c>) is the record of truth; should this queue ever overflow, the
/// transitions it cannot take are counted and logged, and remain in the alarm journal and its history API.
/// </summary>
public sealed partial class AlarmJournal(WriteAheadLog wal, ILogger<AlarmJournal> logger) : BackgroundService, IAlarmObserver
{
    /// <summary>Transitions waiting for the log at most.</summary>
    public const int Capacity = 50_000;

    private readonly Channel<AlarmDto> _queue = Channel.CreateBounded<AlarmDto>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private long _overflowed;

    /// <summary>Transitions not copied because the queue was full (they are in the alarm journal).</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    public void OnAlarmChanged(AlarmDto change)
    {
        if (!_queue.Writer.TryWrite(change) && Interlocked.Increment(ref _overflowed) % 1000 == 1)
        {
            Log.Overflowed(logger, change.Id, change.Seq, Overflowed);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (_queue.Reader.TryRead(out var change))
                {
                    await wal.AppendAsync(WalRecordKind.AlarmEvent, change, AlarmEventRecord.Write, stoppingToken);
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

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // What is still queued at shut-down goes in without waiting for space: it is little, and the log is closing.
        try
        {
            while (_queue.Reader.TryRead(out var change))
            {
                wal.Append(WalRecordKind.AlarmEvent, change, AlarmEventRecord.Write);
            }
        }
        catch (ObjectDisposedException)
        {
            Log.Closed(logger);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Alarm transitions not copied to the write-ahead log at shut-down: it is closed (they are in the alarm journal)")]
        public static partial void Closed(ILogger logger);

        [LoggerMessage(EventId = 431, Level = LogLevel.Error, Message = "Alarm transition {AlarmId} (seq {Seq}) not copied for InfluxDB: {Count} so far while the write-ahead log is full; it stays in the alarm journal")]
        public static partial void Overflowed(ILogger logger, string alarmId, long seq, long count);
    }
}
