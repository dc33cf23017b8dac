using System.Text;
using System.Text.Json;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Lifeline.Notifications;

/// <summary>
/// The notification journal: every notification decision and delivery result, appended as one JSON record to its own
/// write-ahead log (no consumer: the oldest segments are removed by age and size). Appending never waits for the disk.
/// Read back per alarm for the API, and at start-up for the acknowledgement links already used.
/// </summary>
public sealed partial class NotificationJournal : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly WriteAheadLog _wal;
    private readonly ILogger _logger;
    private int _failures;

    private NotificationJournal(WriteAheadLog wal, string directory, ILogger logger)
    {
        _wal = wal;
        Directory = directory;
        _logger = logger;
    }

    public string Directory { get; }

    /// <summary>Opens (or creates) the journal in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The directory cannot be used, or another server holds it.</exception>
    public static NotificationJournal Open(NotificationJournalOptions options, string directory, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var wal = WriteAheadLog.OpenJournal(
            directory, options.MaxBytes, options.Retention, options.Fsync, 4L * 1024 * 1024, "notification journal", "Notifications:Journal:Path", time, logger);
        return new NotificationJournal(wal, Path.GetFullPath(directory), logger);
    }

    /// <summary>Appends a record without waiting for the disk; a failure is logged, never thrown.</summary>
    public void Append(NotificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            var (_, durable) = _wal.Append(WalRecordKind.Notification, record, JsonRecord.Write);
            _ = durable.ContinueWith(
                (t, state) => ((NotificationJournal)state!).Failed(t.Exception!.GetBaseException()),
                this,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or ArgumentException or InvalidOperationException)
        {
            Failed(ex);
        }
    }

    /// <summary>The notifications of one alarm (latest record of each, in the order they were first journaled), at most <paramref name="limit"/>, newest kept.</summary>
    public IReadOnlyList<NotificationRecord> ForAlarm(string alarmId, int limit = 1000)
    {
        var order = new List<string>();
        var latest = new Dictionary<string, NotificationRecord>(StringComparer.Ordinal);
        foreach (var record in RecordsOf(alarmId))
        {
            if (!latest.ContainsKey(record.Id))
            {
                order.Add(record.Id);
            }

            latest[record.Id] = record;
        }

        return order.Skip(Math.Max(0, order.Count - limit)).Select(id => latest[id]).ToList();
    }

    /// <summary>Every record about one alarm (its own and the digests listing it), in journal order: a notification's decision, then its outcome.</summary>
    public IReadOnlyList<NotificationRecord> RecordsOf(string alarmId)
    {
        ArgumentException.ThrowIfNullOrEmpty(alarmId);
        var needle = Encoding.UTF8.GetBytes(alarmId);
        return Read(payload => payload.IndexOf(needle) >= 0)
            .Where(r => string.Equals(r.AlarmId, alarmId, StringComparison.Ordinal) || r.Alarms?.Contains(alarmId, StringComparer.Ordinal) == true)
            .ToList();
    }

    /// <summary>The records of several alarms (their own, not digests) in one pass over the journal, each alarm's in journal order.</summary>
    public IReadOnlyDictionary<string, List<NotificationRecord>> RecordsOf(IReadOnlyCollection<string> alarmIds)
    {
        ArgumentNullException.ThrowIfNull(alarmIds);
        var result = alarmIds.Distinct(StringComparer.Ordinal).ToDictionary(id => id, _ => new List<NotificationRecord>(), StringComparer.Ordinal);
        if (result.Count == 0)
        {
            return result;
        }

        foreach (var record in Read(_ => true))
        {
            if (record.AlarmId is { } id && result.TryGetValue(id, out var list))
            {
                list.Add(record);
            }
        }

        return result;
    }

    /// <summary>The ids of acknowledgement links used since <paramref name="since"/> (so a link stays single-use across restarts).</summary>
    public IReadOnlyCollection<string> UsedLinks(DateTimeOffset since)
    {
        var needle = Encoding.UTF8.GetBytes("\"AckLink\"");
        return Read(payload => payload.IndexOf(needle) >= 0)
            .Where(r => r.Kind == "AckLink" && r.Status == "Used" && r.At >= since)
            .Select(r => r.Id)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The highest notification number journaled, so numbering continues after a restart.</summary>
    public long HighestNumber()
    {
        long highest = 0;
        foreach (var record in Read(_ => true))
        {
            if (record.Id.Length > 1 && record.Id[0] == 'N' && long.TryParse(record.Id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                highest = Math.Max(highest, n);
            }
        }

        return highest;
    }

    public ValueTask DisposeAsync() => _wal.DisposeAsync();

    private delegate bool PayloadFilter(ReadOnlySpan<byte> payload);

    private List<NotificationRecord> Read(PayloadFilter filter)
    {
        var result = new List<NotificationRecord>();
        using var reader = _wal.OpenReader(1);
        while (reader.TryRead(out var record))
        {
            if (record.Kind != WalRecordKind.Notification || !filter(record.Payload.Span))
            {
                continue;
            }

            try
            {
                result.Add(JsonSerializer.Deserialize<NotificationRecord>(record.Payload.Span, Json)!);
            }
            catch (JsonException)
            {
                // A record of another version: skipped.
            }
        }

        return result;
    }

    private void Failed(Exception ex)
    {
        if (Interlocked.Increment(ref _failures) % 1000 == 1)
        {
            Log.AppendFailed(_logger, ex, Directory, Volatile.Read(ref _failures));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 920, Level = LogLevel.Error, Message = "Notification journal {Directory}: a record could not be journaled ({Failures} so far)")]
        public static partial void AppendFailed(ILogger logger, Exception exception, string directory, int failures);
    }
}

/// <summary>Where and how long notifications are kept (<c>Notifications:Journal</c>).</summary>
public sealed class NotificationJournalOptions
{
    /// <summary>Folder, relative to the content root; one server per folder.</summary>
    public string Path { get; set; } = "data/notifications";

    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    [System.ComponentModel.DataAnnotations.Range(1024 * 1024, long.MaxValue)]
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    public bool Fsync { get; set; } = true;
}
