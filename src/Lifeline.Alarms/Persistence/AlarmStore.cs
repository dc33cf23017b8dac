using System.Text.Json;
using Lifeline.Contracts.Alarms;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;

namespace Lifeline.Alarms.Persistence;

/// <summary>
/// The alarm journal: every alarm transition and scope change, appended in seq order to its own write-ahead log (group
/// commit, a checksum per record, torn tails truncated and reported), plus a snapshot of the alarm state written from
/// time to time. At start-up the snapshot is read and the journal after it replayed, so state and history survive any
/// restart; the history API reads the journal back. Old history is removed by age and size, whole segments at a time.
/// </summary>
public sealed partial class AlarmStore : IAlarmJournal, IAsyncDisposable
{
    private const string SnapshotFile = "snapshot.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly WriteAheadLog _wal;
    private readonly string _directory;
    private readonly AlarmJournalOptions _options;
    private readonly ILogger _logger;
    private long _lastLsn;
    private long _snapshotLsn;

    private AlarmStore(WriteAheadLog wal, string directory, AlarmJournalOptions options, ILogger logger)
    {
        _wal = wal;
        _directory = directory;
        _options = options;
        _logger = logger;
        _lastLsn = wal.Recovery.LastLsn;
    }

    /// <summary>The journal directory.</summary>
    public string Directory => _directory;

    /// <summary>What opening the journal found (torn or damaged records are reported here and in the log).</summary>
    public WalRecoveryReport Recovery => _wal.Recovery;

    /// <summary>What <see cref="Load"/> found.</summary>
    public AlarmStoreLoadReport? LoadReport { get; private set; }

    /// <summary>Opens (or creates) the journal in <paramref name="directory"/>.</summary>
    public static AlarmStore Open(AlarmJournalOptions options, string directory, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var wal = WriteAheadLog.OpenJournal(
            directory, options.MaxBytes, options.Retention, options.Fsync, 16L * 1024 * 1024, "alarm journal", "Alarms:Journal:Path", time, logger);
        return new AlarmStore(wal, Path.GetFullPath(directory), options, logger);
    }

    /// <summary>Appends one alarm transition; the task completes when it is on disk.</summary>
    public Task Append(AlarmDto change)
    {
        var (lsn, durable) = _wal.Append(WalRecordKind.AlarmEvent, change, AlarmEventRecord.Write);
        Volatile.Write(ref _lastLsn, lsn);
        return durable;
    }

    /// <summary>Appends one scope change; the task completes when it is on disk.</summary>
    public Task Append(AlarmScopeDto change)
    {
        var (lsn, durable) = _wal.Append(WalRecordKind.AlarmScope, change, JsonRecord.Write);
        Volatile.Write(ref _lastLsn, lsn);
        return durable;
    }

    /// <summary>
    /// Rebuilds the alarm state: the snapshot, then every journal record after it. Null for a new journal. Records
    /// replayed twice (appended while a snapshot was being taken) are harmless: the latest transition of an alarm wins.
    /// </summary>
    public AlarmServiceState? Load()
    {
        var snapshot = ReadSnapshot(out var snapshotProblem);
        string? epoch = snapshot?.State.Epoch;
        var seq = snapshot?.State.Seq ?? 0;
        var nextId = snapshot?.State.NextId ?? 0;
        var alarms = new Dictionary<string, AlarmDto>(StringComparer.Ordinal);
        var scopes = new Dictionary<(string, string), AlarmScopeDto>();
        foreach (var alarm in snapshot?.State.Alarms ?? [])
        {
            alarms[alarm.Id] = alarm;
        }

        foreach (var scope in snapshot?.State.Scopes ?? [])
        {
            scopes[(scope.Kind, scope.Id)] = scope;
        }

        var from = (snapshot?.Lsn ?? 0) + 1;
        long replayed = 0;
        long firstLsn = 0;
        using (var reader = _wal.OpenReader(from))
        {
            while (reader.TryRead(out var record))
            {
                if (record.Lsn < from)
                {
                    continue;
                }

                firstLsn = firstLsn == 0 ? record.Lsn : firstLsn;
                replayed++;
                switch (record.Kind)
                {
                    case WalRecordKind.AlarmEvent:
                        var dto = AlarmEventRecord.Read(record.Payload.Span);
                        seq = Math.Max(seq, dto.Seq);
                        nextId = Math.Max(nextId, IdNumber(dto.Id));
                        if (dto.State == nameof(Domain.Alarms.AlarmState.Normal))
                        {
                            alarms.Remove(dto.Id);
                        }
                        else
                        {
                            alarms[dto.Id] = dto;
                        }

                        break;
                    case WalRecordKind.AlarmScope:
                        var scope = JsonRecord.Read<AlarmScopeDto>(record.Payload.Span);
                        if (scope.Active)
                        {
                            scopes[(scope.Kind, scope.Id)] = scope;
                        }
                        else
                        {
                            scopes.Remove((scope.Kind, scope.Id));
                        }

                        break;
                }
            }

            Volatile.Write(ref _snapshotLsn, snapshot?.Lsn ?? 0);
            var gap = snapshot is not null ? firstLsn > from : firstLsn > 1;
            LoadReport = new AlarmStoreLoadReport(snapshot is not null, snapshot?.State.Seq ?? 0, replayed, seq, alarms.Count, scopes.Count, snapshotProblem,
                gap ? $"journal records {from}–{firstLsn - 1} were removed before a snapshot covered them (retention); state before them may be missing" : null,
                reader.Skipped);
        }

        Log.Loaded(_logger, _directory, LoadReport.FromSnapshot, LoadReport.Replayed, seq, alarms.Count, scopes.Count);
        if (snapshotProblem is not null)
        {
            Log.SnapshotUnreadable(_logger, _directory, snapshotProblem);
        }

        if (LoadReport.Gap is not null)
        {
            Log.Gap(_logger, _directory, LoadReport.Gap);
        }

        if (epoch is null && alarms.Count == 0 && scopes.Count == 0 && seq == 0)
        {
            return null;
        }

        return new AlarmServiceState(
            epoch ?? Guid.NewGuid().ToString("N")[..16],
            seq,
            nextId,
            [.. alarms.Values.OrderBy(a => a.Seq)],
            [.. scopes.Values.OrderBy(s => s.At)]);
    }

    /// <summary>
    /// Writes a snapshot of <paramref name="capture"/>'s state. The journal position is read before the state is captured,
    /// so the snapshot never claims a record it does not include.
    /// </summary>
    public void WriteSnapshot(Func<AlarmServiceState> capture)
    {
        ArgumentNullException.ThrowIfNull(capture);
        var lsn = Volatile.Read(ref _lastLsn);
        var state = capture();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new Snapshot(1, lsn, state), Json);
        DurableFile.Replace(Path.Combine(_directory, SnapshotFile), bytes, _options.Fsync);
        Volatile.Write(ref _snapshotLsn, lsn);
    }

    /// <summary>Journal records appended since the last snapshot.</summary>
    public long SinceSnapshot => Volatile.Read(ref _lastLsn) - Volatile.Read(ref _snapshotLsn);

    /// <summary>
    /// The journaled transitions that match <paramref name="query"/>, oldest first, at most <see cref="AlarmHistoryQuery.Limit"/>
    /// (then <see cref="AlarmHistoryPage.Truncated"/>; ask again from the last one's time).
    /// </summary>
    public AlarmHistoryPage History(AlarmHistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var items = new List<AlarmDto>();
        var truncated = false;
        using var reader = _wal.OpenReader(1);
        while (reader.TryRead(out var record))
        {
            if (record.Kind != WalRecordKind.AlarmEvent || record.AppendedAt < query.From - Slack)
            {
                continue;
            }

            var dto = AlarmEventRecord.Read(record.Payload.Span);
            if (!query.Matches(dto))
            {
                continue;
            }

            if (items.Count == query.Limit)
            {
                truncated = true;
                break;
            }

            items.Add(dto);
        }

        return new AlarmHistoryPage(items, truncated);
    }

    // Transitions carry the time of their cause, which can be a little older than the append (late readings).
    private static readonly TimeSpan Slack = TimeSpan.FromHours(1);

    public async ValueTask DisposeAsync() => await _wal.DisposeAsync();

    private Snapshot? ReadSnapshot(out string? problem)
    {
        problem = null;
        var path = Path.Combine(_directory, SnapshotFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllBytes(path), Json);
            if (snapshot is null || snapshot.Version != 1 || snapshot.State is null)
            {
                problem = $"{path}: not a version 1 alarm snapshot";
                return null;
            }

            return snapshot;
        }
        catch (JsonException ex)
        {
            problem = $"{path}: {ex.Message}";
            return null;
        }
    }

    private static long IdNumber(string id) =>
        id.Length > 1 && long.TryParse(id.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;

    private sealed record Snapshot(int Version, long Lsn, AlarmServiceState State);

    private static partial class Log
    {
        [LoggerMessage(EventId = 460, Level = LogLevel.Information, Message = "Alarm journal {Directory} loaded: snapshot {FromSnapshot}, {Replayed} records replayed, seq {Seq}, {Alarms} alarms not over, {Scopes} scopes in force")]
        public static partial void Loaded(ILogger logger, string directory, bool fromSnapshot, long replayed, long seq, int alarms, int scopes);

        [LoggerMessage(EventId = 461, Level = LogLevel.Warning, Message = "Alarm journal {Directory}: the snapshot could not be read ({Problem}); state rebuilt from the journal alone")]
        public static partial void SnapshotUnreadable(ILogger logger, string directory, string problem);

        [LoggerMessage(EventId = 462, Level = LogLevel.Error, Message = "Alarm journal {Directory}: {Gap}")]
        public static partial void Gap(ILogger logger, string directory, string gap);
    }
}

/// <summary>What loading the alarm journal found.</summary>
public sealed record AlarmStoreLoadReport(
    bool FromSnapshot, long SnapshotSeq, long Replayed, long Seq, int Alarms, int Scopes, string? SnapshotProblem, string? Gap, int SkippedRegions);

/// <summary>A history query: transitions changed in [<see cref="From"/>, <see cref="To"/>), optionally of one site, zone, kind or alarm.</summary>
public sealed record AlarmHistoryQuery(DateTimeOffset From, DateTimeOffset To, string? SiteId = null, string? ZoneId = null, string? Kind = null, string? AlarmId = null, int Limit = 10_000)
{
    public bool Matches(AlarmDto dto)
    {
        ArgumentNullException.ThrowIfNull(dto);
        return dto.ChangedAt >= From && dto.ChangedAt < To
            && (SiteId is null || dto.SiteId == SiteId)
            && (ZoneId is null || dto.ZoneId == ZoneId)
            && (Kind is null || dto.Kind == Kind)
            && (AlarmId is null || dto.Id == AlarmId);
    }
}

/// <summary>One page of alarm history.</summary>
public sealed record AlarmHistoryPage(IReadOnlyList<AlarmDto> Items, bool Truncated);
