using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Lifeline.Control;

/// <summary>
/// The command journal: every change of a command of the audit trail (queued, then its outcome) appended as one JSON
/// record to its own write-ahead log (no consumer: the oldest segments are removed by age and size). Appending never
/// waits for the disk, so it is safe on the alarm service's path. At start-up <see cref="Load"/> gives back the newest
/// commands and the highest command id; <see cref="History"/> and <see cref="Find"/> read older history.
/// </summary>
public sealed partial class CommandJournal : IAsyncDisposable, IDisposable
{
    /// <summary>Records read back at start-up per command kept in memory (a command has two: queued, finished).</summary>
    private const int ReplayRecordsPerCommand = 4;

    // A command is appended when it is requested; its outcome follows within the read-back and publish timeouts.
    private static readonly TimeSpan Slack = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FinishWithin = TimeSpan.FromHours(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly WriteAheadLog _wal;
    private readonly ILogger _logger;
    private int _appendFailures;

    private CommandJournal(WriteAheadLog wal, string directory, ILogger logger)
    {
        _wal = wal;
        Directory = directory;
        _logger = logger;
    }

    /// <summary>The journal directory.</summary>
    public string Directory { get; }

    /// <summary>What opening the journal found (torn or damaged records are reported here and in the log).</summary>
    public WalRecoveryReport Recovery => _wal.Recovery;

    /// <summary>Opens (or creates) the journal in <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">The directory cannot be used, or another server holds it.</exception>
    public static CommandJournal Open(CommandJournalOptions options, string directory, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var wal = WriteAheadLog.OpenJournal(
            directory, options.MaxBytes, options.Retention, options.Fsync, 4L * 1024 * 1024, "command journal", "Control:Journal:Path", time, logger);
        return new CommandJournal(wal, Path.GetFullPath(directory), logger);
    }

    /// <summary>
    /// Appends one change of a command without waiting for the disk (the record is written with the next group commit).
    /// A failure is logged, never thrown: the in-memory audit trail still has the change.
    /// </summary>
    public void Append(CommandRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            var (_, durable) = _wal.Append(WalRecordKind.Command, record, Write);
            if (!durable.IsCompleted)
            {
                _ = durable.ContinueWith(
                    (t, state) => ((CommandJournal)state!).Failed(t.Exception!.GetBaseException()),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
            else if (durable.IsFaulted)
            {
                Failed(durable.Exception!.GetBaseException());
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or ArgumentException or InvalidOperationException)
        {
            Failed(ex);
        }
    }

    /// <summary>
    /// The newest <paramref name="capacity"/> commands (the latest version of each, in the order they were requested) and
    /// the highest command number ever journaled, so numbering continues after it.
    /// </summary>
    public CommandJournalState Load(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var from = Math.Max(1, _wal.LastLsn - ((long)capacity * ReplayRecordsPerCommand) - 1024);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new List<CommandRecord>();
        long highest = 0;
        long replayed = 0;
        var unreadable = 0;
        int skipped;
        using (var reader = _wal.OpenReader(from))
        {
            while (reader.TryRead(out var record))
            {
                if (record.Kind != WalRecordKind.Command || record.Lsn < from)
                {
                    continue;
                }

                replayed++;
                if (Read(record.Payload.Span) is not { } command)
                {
                    unreadable++;
                    continue;
                }

                highest = Math.Max(highest, IdNumber(command.Id));
                if (index.TryGetValue(command.Id, out var at))
                {
                    records[at] = command;
                }
                else
                {
                    index[command.Id] = records.Count;
                    records.Add(command);
                }
            }

            skipped = reader.Skipped;
        }

        var kept = records.Count > capacity ? records.GetRange(records.Count - capacity, capacity) : records;
        var state = new CommandJournalState(kept, highest, replayed, unreadable, skipped);
        var pending = 0;
        foreach (var command in kept)
        {
            pending += command.Outcome == CommandOutcome.Pending ? 1 : 0;
        }

        Log.Loaded(_logger, Directory, replayed, kept.Count, pending, highest);
        foreach (var damage in _wal.Recovery.Damage)
        {
            Log.Damaged(_logger, Directory, damage.ToString());
        }

        if (unreadable > 0)
        {
            Log.Unreadable(_logger, Directory, unreadable);
        }

        return state;
    }

    /// <summary>The latest journaled version of command <paramref name="id"/>, or null when the journal does not hold it (any more).</summary>
    public CommandRecord? Find(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var needle = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { id }, Json).AsSpan(1..^1).ToString());
        CommandRecord? found = null;
        using var reader = _wal.OpenReader(1);
        while (reader.TryRead(out var record))
        {
            if (record.Kind == WalRecordKind.Command && record.Payload.Span.IndexOf(needle) >= 0
                && Read(record.Payload.Span) is { } command && string.Equals(command.Id, id, StringComparison.Ordinal))
            {
                found = command;
            }
        }

        return found;
    }

    /// <summary>
    /// The journaled commands that match <paramref name="query"/> (latest version of each), newest first, at most
    /// <see cref="CommandHistoryQuery.Limit"/>.
    /// </summary>
    public IReadOnlyList<CommandRecord> History(CommandHistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var keep = Math.Max(query.Limit, 1);
        var found = new Dictionary<string, CommandRecord>(StringComparer.Ordinal);
        using (var reader = _wal.OpenReader(1))
        {
            while (reader.TryRead(out var record))
            {
                if (record.Kind != WalRecordKind.Command || (query.From is { } from && record.AppendedAt < from - Slack))
                {
                    continue;
                }

                if (query.To is { } to && record.AppendedAt > to + FinishWithin)
                {
                    break;
                }

                if (Read(record.Payload.Span) is not { } command || !query.Matches(command))
                {
                    continue;
                }

                found[command.Id] = command;
                if (found.Count > 2 * keep + 1024)
                {
                    // Only the newest commands can be in the answer; the latest version of an older one cannot bring it back.
                    foreach (var old in Newest(found.Values).Skip(keep).Select(r => r.Id).ToList())
                    {
                        found.Remove(old);
                    }
                }
            }
        }

        return Newest(found.Values).Take(keep).ToList();
    }

    /// <summary>Commands newest first: by number (the order they were requested in), then by request time.</summary>
    public static IEnumerable<CommandRecord> Newest(IEnumerable<CommandRecord> records) =>
        records.OrderByDescending(r => IdNumber(r.Id)).ThenByDescending(r => r.RequestedAt);

    /// <summary>The number of a command id (<c>C000042</c> → 42); 0 when it has none.</summary>
    public static long IdNumber(string id) =>
        id is { Length: > 1 } && id[0] == 'C' && long.TryParse(id.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _wal.DisposeAsync();

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void Write(IBufferWriter<byte> destination, CommandRecord record)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, record, Json);
    }

    private static CommandRecord? Read(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize<CommandRecord>(payload, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Failed(Exception ex)
    {
        // The first failure in full, then every 1000th: a dead disk must not flood the log.
        if (Interlocked.Increment(ref _appendFailures) % 1000 == 1)
        {
            Log.AppendFailed(_logger, ex, Directory, Volatile.Read(ref _appendFailures));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Command journal {Directory} loaded: {Replayed} records replayed, {Commands} commands restored ({Pending} were pending), highest number {Highest}")]
        public static partial void Loaded(ILogger logger, string directory, long replayed, int commands, int pending, long highest);

        [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "Command journal {Directory}: {Damage}")]
        public static partial void Damaged(ILogger logger, string directory, string damage);

        [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "Command journal {Directory}: {Count} records could not be read as commands and were skipped")]
        public static partial void Unreadable(ILogger logger, string directory, int count);

        [LoggerMessage(EventId = 713, Level = LogLevel.Error, Message = "Command journal {Directory}: a command change could not be journaled ({Failures} so far); it is kept in memory only")]
        public static partial void AppendFailed(ILogger logger, Exception exception, string directory, int failures);
    }
}

/// <summary>What <see cref="CommandJournal.Load"/> found.</summary>
/// <param name="Records">The newest commands, latest version of each, in the order they were requested.</param>
/// <param name="HighestId">The highest command number journaled (0 for a new journal).</param>
/// <param name="Replayed">Command records read.</param>
/// <param name="Unreadable">Records that were not commands (skipped).</param>
/// <param name="SkippedRegions">Damaged regions of sealed segments skipped by the reader.</param>
public sealed record CommandJournalState(IReadOnlyList<CommandRecord> Records, long HighestId, long Replayed, int Unreadable, int SkippedRegions);

/// <summary>A query of the command history: commands requested in [<see cref="From"/>, <see cref="To"/>), optionally of one device.</summary>
public sealed record CommandHistoryQuery(DateTimeOffset? From, DateTimeOffset? To, string? DeviceId, int Limit)
{
    /// <summary>Whether <paramref name="record"/> is one of the commands asked for.</summary>
    public bool Matches(CommandRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (From is not { } from || record.RequestedAt >= from)
            && (To is not { } to || record.RequestedAt < to)
            && (DeviceId is null || string.Equals(record.DeviceId, DeviceId, StringComparison.Ordinal));
    }
}
