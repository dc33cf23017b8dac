using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;

namespace Lifeline.Server.Pipeline;

/// <summary>Appends every alarm transition to the write-ahead log, from where it is stored in <c>alarm_events</c>.</summary>
public sealed partial class AlarmJournal(WriteAheadLog wal, ILogger<AlarmJournal> logger) : IAlarmObserver
{
    public void OnAlarmChanged(AlarmDto change)
    {
        try
        {
            // Never waits for space: alarm events are small, rare next to readings, and must not hold up the alarm service.
            wal.Append(WalRecordKind.AlarmEvent, change, AlarmEventRecord.Write);
        }
        catch (ObjectDisposedException)
        {
            Log.Closed(logger, change.Id, change.Seq);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 430, Level = LogLevel.Warning, Message = "Alarm {AlarmId} transition {Seq} not journaled: the write-ahead log is closed (shutting down)")]
        public static partial void Closed(ILogger logger, string alarmId, long seq);
    }
}
