using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Lifeline.Storage.Wal;

/// <summary>Encodes a record's payload.</summary>
public delegate void WalPayloadWriter<in TState>(IBufferWriter<byte> destination, TState state);

/// <summary>
/// An append-only log on local disk with group commit. Appenders encode their record into an in-memory buffer and
/// get a task that completes once the record is on disk; one writer task takes whatever accumulated while the
/// previous write was being forced to disk and writes it with a single fsync. Records live in segment files with a
/// checksum each; a consumer reads them back in order and checkpoints what it has stored, which frees whole
/// segments. See <see cref="WalFormat"/> for the format and <see cref="WalOptions"/> for the bounds.
/// </summary>
public sealed partial class WriteAheadLog : IAsyncDisposable
{
    private const string CheckpointFile = "checkpoint";

    private readonly WalOptions _options;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<string, Stream> _createSegment;

    private readonly Lock _gate = new();
    private RecordBuffer _active = new();
    private RecordBuffer? _spare = new();
    private TaskCompletionSource _group = NewSignal();
    private long _nextLsn;
    private bool _closed;

    private readonly Lock _segmentsGate = new();
    private readonly List<Segment> _segments = [];
    private TaskCompletionSource _durableSignal = NewSignal();
    private TaskCompletionSource _spaceSignal = NewSignal();
    private long _durableLsn;
    private long _checkpointLsn;
    private long _diskBytes;
    private long _bufferedBytes;
    private string? _writeError;
    private DateTimeOffset? _writeErrorSince;
    private bool _stopped;

    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private Stream? _stream;
    private FileStream? _lock;
    private Segment? _current;
    private Task _writer = Task.CompletedTask;

    private WriteAheadLog(WalOptions options, string directory, bool hasConsumer, TimeProvider time, ILogger logger, Func<string, Stream>? createSegment)
    {
        _options = options;
        _directory = directory;
        HasConsumer = hasConsumer;
        _time = time;
        _logger = logger;
        _createSegment = createSegment ?? (path => new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0));
    }

    /// <summary>What opening the log found: records, and every damaged region that was cut or skipped.</summary>
    public WalRecoveryReport Recovery { get; private set; } = new(0, 0, 0, 0, []);

    /// <summary>True when a consumer (the storage forwarder) frees records by checkpointing; false: the log is a rolling local journal.</summary>
    public bool HasConsumer { get; }

    /// <summary>The newest record that is on disk.</summary>
    public long DurableLsn => Volatile.Read(ref _durableLsn);

    /// <summary>The newest record the consumer has stored.</summary>
    public long CheckpointLsn => Volatile.Read(ref _checkpointLsn);

    /// <summary>
    /// Opens (creating if needed) the log in <see cref="WalOptions.Path"/>: validates every segment, truncates a torn
    /// or corrupt tail of the newest one (a crash mid-write), reports any damage, and starts a new segment.
    /// </summary>
    /// <param name="options">Bounds and location.</param>
    /// <param name="hasConsumer">Whether a consumer checkpoints records (then they are kept until checkpointed).</param>
    /// <param name="time">Clock for record times and retry delays.</param>
    /// <param name="logger">Where recovery and write failures are reported.</param>
    /// <param name="createSegment">Opens a new segment file for writing (tests inject failures here).</param>
    public static WriteAheadLog Open(WalOptions options, bool hasConsumer, TimeProvider time, ILogger logger, Func<string, Stream>? createSegment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBytes < 2 * options.SegmentBytes)
        {
            throw new ArgumentException($"Storage:Wal:MaxBytes ({options.MaxBytes}) must be at least twice Storage:Wal:SegmentBytes ({options.SegmentBytes})", nameof(options));
        }

        var directory = System.IO.Path.GetFullPath(options.Path);
        Directory.CreateDirectory(directory);
        var log = new WriteAheadLog(options, directory, hasConsumer, time, logger, createSegment);
        try
        {
            // One process per log: a second writer would interleave records and corrupt both.
            log._lock = new FileStream(System.IO.Path.Combine(directory, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"the write-ahead log in {directory} is in use by another process (set Storage:Wal:Path to a folder of this instance's own): {ex.Message}", ex);
        }

        try
        {
            log.Recover();
            log.StartSegment(log._nextLsn);
        }
        catch
        {
            log._lock.Dispose();
            throw;
        }

        log._writer = Task.Run(log.WriteLoopAsync);
        return log;
    }

    /// <summary>
    /// Opens a journal: a log without a consumer, rolling by size and age, with segments sized from
    /// <paramref name="maxBytes"/>. <paramref name="name"/> and <paramref name="pathKey"/> go into the error when the
    /// directory cannot be used or another process holds it.
    /// </summary>
    public static WriteAheadLog OpenJournal(
        string directory, long maxBytes, TimeSpan retention, bool fsync, long maxBufferedBytes, string name, string pathKey, TimeProvider time, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var segmentBytes = Math.Clamp(maxBytes / 16, 64 * 1024, 16L * 1024 * 1024);
        var options = new WalOptions
        {
            Path = directory,
            SegmentBytes = segmentBytes,
            MaxBytes = Math.Max(maxBytes, 2 * segmentBytes),
            MaxAge = retention,
            Fsync = fsync,
            MaxBufferedBytes = maxBufferedBytes,
        };
        try
        {
            return Open(options, hasConsumer: false, time, logger);
        }
        catch (IOException ex)
        {
            throw new IOException($"the {name} in {System.IO.Path.GetFullPath(directory)} cannot be opened ({pathKey}; one server per journal): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Appends a record, waiting first while the log is full (only with a consumer: the backlog of unstored records
    /// has reached <see cref="WalOptions.MaxBytes"/>). Returns the record's LSN and a task that completes when the
    /// record is on disk — acknowledge the source only then.
    /// </summary>
    public async ValueTask<(long Lsn, Task Durable)> AppendAsync<TState>(WalRecordKind kind, TState state, WalPayloadWriter<TState> write, CancellationToken cancellationToken)
    {
        while (IsFull)
        {
            Task space;
            Task durable;
            lock (_segmentsGate)
            {
                ObjectDisposedException.ThrowIf(_stopped, this);
                space = _spaceSignal.Task;
                durable = _durableSignal.Task;
            }

            if (!IsFull)
            {
                break;
            }

            await Task.WhenAny(space, durable).WaitAsync(cancellationToken);
        }

        return Append(kind, state, write);
    }

    /// <summary>
    /// Appends a record without waiting for space (alarm events: small and rare, and never to be held back). Returns
    /// the record's LSN and a task that completes when it is on disk.
    /// </summary>
    public (long Lsn, Task Durable) Append<TState>(WalRecordKind kind, TState state, WalPayloadWriter<TState> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        long lsn;
        Task durable;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            var buffer = _active;
            var start = buffer.Count;
            try
            {
                buffer.GetSpan(WalFormat.RecordHeaderSize + WalFormat.BodyHeaderSize);
                buffer.Advance(WalFormat.RecordHeaderSize + WalFormat.BodyHeaderSize);
                write(buffer, state);
            }
            catch
            {
                buffer.Rewind(start);
                throw;
            }

            var length = buffer.Count - start;
            if (length - WalFormat.RecordHeaderSize > _options.MaxRecordBytes)
            {
                buffer.Rewind(start);
                throw new ArgumentException($"a {kind} record of {length} bytes exceeds Storage:Wal:MaxRecordBytes ({_options.MaxRecordBytes})", nameof(state));
            }

            lsn = _nextLsn++;
            var record = buffer.Slice(start, length);
            WalFormat.WriteBodyHeader(record[WalFormat.RecordHeaderSize..], lsn, kind, _time.GetUtcNow().ToUnixTimeMilliseconds());
            WalFormat.SealRecord(record);
            Interlocked.Add(ref _bufferedBytes, length);
            durable = _group.Task;
        }

        _signal.Writer.TryWrite(true);
        return (lsn, durable);
    }

    /// <summary>The newest LSN handed out (on disk or about to be).</summary>
    public long LastLsn
    {
        get
        {
            lock (_gate)
            {
                return _nextLsn - 1;
            }
        }
    }

    /// <summary>
    /// Appenders wait: a consumer exists and the unstored backlog fills <see cref="WalOptions.MaxBytes"/>, or records not yet
    /// on disk fill <see cref="WalOptions.MaxBufferedBytes"/> (the disk cannot be written, or cannot keep up).
    /// </summary>
    public bool IsFull =>
        (HasConsumer && Interlocked.Read(ref _diskBytes) + Interlocked.Read(ref _bufferedBytes) >= _options.MaxBytes)
        || Interlocked.Read(ref _bufferedBytes) >= _options.MaxBufferedBytes;

    /// <summary>Completes when a record newer than <paramref name="lsn"/> is on disk.</summary>
    public async Task WaitForDurableAsync(long lsn, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            lock (_segmentsGate)
            {
                if (_durableLsn > lsn)
                {
                    return;
                }

                // Nothing more becomes durable once the log is closed.
                ObjectDisposedException.ThrowIf(_stopped, this);
                signal = _durableSignal.Task;
            }

            await signal.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads the records from <paramref name="fromLsn"/> on, as they become durable.</summary>
    public WalReader OpenReader(long fromLsn) => new(this, Math.Max(1, fromLsn));

    /// <summary>
    /// Records that everything up to <paramref name="lsn"/> is stored: persists the checkpoint (atomically) and removes
    /// segments that hold nothing newer, which frees space for waiting appenders.
    /// </summary>
    public void Checkpoint(long lsn)
    {
        if (lsn <= CheckpointLsn)
        {
            return;
        }

        Span<byte> content = stackalloc byte[12];
        BinaryPrimitives.WriteInt64LittleEndian(content, lsn);
        BinaryPrimitives.WriteUInt32LittleEndian(content[8..], Crc32.HashToUInt32(content[..8]));
        DurableFile.Replace(System.IO.Path.Combine(_directory, CheckpointFile), content, _options.Fsync);
        Volatile.Write(ref _checkpointLsn, lsn);
        RemoveSegments(s => s.LastLsn <= lsn, "stored");
    }

    /// <summary>Current figures for health and metrics.</summary>
    public WalStats GetStats()
    {
        lock (_segmentsGate)
        {
            var checkpoint = _checkpointLsn;
            long backlogBytes = 0;
            DateTimeOffset? oldest = null;
            foreach (var s in _segments)
            {
                if (s.LastLsn > checkpoint || s == _current)
                {
                    backlogBytes += s.Length;
                }

                if (oldest is null && s.LastLsn > checkpoint)
                {
                    oldest = s.FirstAppendedAt;
                }
            }

            var last = LastLsn;
            return new WalStats(
                LastLsn: last,
                DurableLsn: _durableLsn,
                CheckpointLsn: checkpoint,
                BacklogRecords: HasConsumer ? Math.Max(0, last - checkpoint) : 0,
                BacklogBytes: HasConsumer ? backlogBytes + Interlocked.Read(ref _bufferedBytes) : 0,
                DiskBytes: _diskBytes,
                MaxBytes: _options.MaxBytes,
                Segments: _segments.Count,
                OldestSegmentStart: HasConsumer ? oldest : null,
                IsFull: IsFull,
                WriteError: _writeError,
                WriteErrorSince: _writeErrorSince);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        _signal.Writer.TryComplete();
        try
        {
            // The writer drains what is buffered; a failing disk gets a bounded chance, then pending appends fail.
            await _writer.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        await _stopping.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
        }

        _stream?.Dispose();
        _lock?.Dispose();
        _stopping.Dispose();
        lock (_segmentsGate)
        {
            // Wake the waiters; they see the log stopped (the signals stay set, so waiting again would spin).
            _stopped = true;
            _durableSignal.TrySetResult();
            _spaceSignal.TrySetResult();
        }
    }

    /// <summary>The segment holding <paramref name="lsn"/> (or the first after it when that one is gone).</summary>
    internal Segment? FindSegment(long lsn)
    {
        lock (_segmentsGate)
        {
            Segment? found = null;
            foreach (var s in _segments)
            {
                if (s.FirstLsn <= lsn || found is null)
                {
                    found = s;
                }

                if (s.FirstLsn > lsn)
                {
                    break;
                }
            }

            return found;
        }
    }

    /// <summary>
    /// The segment after <paramref name="segment"/>, or null while it is the newest. A segment given up before its first
    /// record was written is followed by the one started again under its name (same first LSN).
    /// </summary>
    internal Segment? NextSegment(Segment segment)
    {
        lock (_segmentsGate)
        {
            return _segments.FirstOrDefault(s => s != segment && s.FirstLsn >= segment.FirstLsn);
        }
    }

    /// <summary>
    /// How many bytes of the segment are durable, whether it will grow no more, and whether the file holds unreadable
    /// bytes after them (damage found at start-up).
    /// </summary>
    internal (long Length, bool Sealed, bool Damaged) Readable(Segment segment)
    {
        lock (_segmentsGate)
        {
            return (segment.Length, segment != _current, segment.FileBytes > segment.Length);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task WriteLoopAsync()
    {
        while (await _signal.Reader.WaitToReadAsync(CancellationToken.None))
        {
            _signal.Reader.TryRead(out _);
            await FlushAsync();
        }

        // Closed: write whatever was appended before the close.
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        RecordBuffer buffer;
        TaskCompletionSource group;
        long first;
        long last;
        lock (_gate)
        {
            if (_active.Count == 0)
            {
                return;
            }

            buffer = _active;
            _active = _spare ?? new RecordBuffer();
            _spare = null;
            group = _group;
            _group = NewSignal();
            last = _nextLsn - 1;
            first = last - CountRecords(buffer.Written) + 1;
        }

        try
        {
            await WriteDurablyAsync(buffer, first);
        }
        catch (OperationCanceledException ex)
        {
            group.TrySetException(new IOException($"the write-ahead log closed before records {first}–{last} reached the disk: {_writeError}", ex));
            return;
        }

        Interlocked.Add(ref _bufferedBytes, -buffer.Count);
        lock (_gate)
        {
            buffer.Clear();
            _spare = buffer;
        }

        lock (_segmentsGate)
        {
            _durableLsn = last;
            var signal = _durableSignal;
            _durableSignal = NewSignal();
            signal.TrySetResult();
        }

        group.TrySetResult();
    }

    private static long CountRecords(ReadOnlySpan<byte> records)
    {
        long count = 0;
        var position = 0;
        while (position < records.Length)
        {
            position += WalFormat.RecordHeaderSize + WalFormat.ReadLength(records[position..]);
            count++;
        }

        return count;
    }

    private async Task WriteDurablyAsync(RecordBuffer buffer, long first)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var offset = 0;
        var lsn = first;
        while (offset < buffer.Count)
        {
            Stream? stream = null;
            long before = 0;
            try
            {
                if (_current is null || _stream is null || _current.Length >= _options.SegmentBytes)
                {
                    Roll(lsn);
                }

                // Fill the segment up to its size and go on in the next one: a large group (a backlog built up while the
                // disk failed) must not make one segment that a checkpoint cannot free while it is being written.
                var (end, records) = Fit(buffer.Written, offset, _options.SegmentBytes - _current!.Length);
                var bytes = end - offset;
                stream = _stream!;
                before = stream.Position;
                stream.Write(buffer.Written[offset..end]);
                stream.Flush();
                if (_options.Fsync && stream is FileStream file)
                {
                    file.Flush(flushToDisk: true);
                }

                var now = _time.GetUtcNow();
                lock (_segmentsGate)
                {
                    _current.Length += bytes;
                    _current.FileBytes += bytes;
                    _current.LastLsn = lsn + records - 1;
                    _current.FirstAppendedAt ??= now;
                    _current.LastAppendedAt = now;
                    _diskBytes += bytes;
                    if (_writeError is not null)
                    {
                        Log.WriteRecovered(_logger, _writeError, (now - _writeErrorSince!.Value).TotalSeconds);
                        _writeError = null;
                        _writeErrorSince = null;
                    }
                }

                offset = end;
                lsn += records;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Cut whatever part reached the file so the next attempt does not leave a torn record behind it. Nothing
                // to cut when the failure came before the write (starting a new segment): the sealed one stays as it is.
                if (stream is not null)
                {
                    try
                    {
                        stream.SetLength(before);
                        stream.Seek(before, SeekOrigin.Begin);
                    }
                    catch (IOException)
                    {
                        stream.Dispose();
                        _stream = null;
                    }
                }

                lock (_segmentsGate)
                {
                    if (_writeError is null)
                    {
                        _writeErrorSince = _time.GetUtcNow();
                        Log.WriteFailed(_logger, _directory, ex.Message);
                    }

                    _writeError = ex.Message;
                }

                // Keep the records and try again: appenders wait (their sources stay unacknowledged), nothing is dropped.
                await Task.Delay(delay, _time, _stopping.Token);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    /// <summary>
    /// The records from <paramref name="offset"/> on that go into a segment with <paramref name="room"/> bytes left
    /// before its size is reached: at least one, and the one that reaches it. Returns where they end and how many they are.
    /// </summary>
    private static (int End, long Records) Fit(ReadOnlySpan<byte> records, int offset, long room)
    {
        var end = offset;
        long count = 0;
        do
        {
            end += WalFormat.RecordHeaderSize + WalFormat.ReadLength(records[end..]);
            count++;
        }
        while (end < records.Length && end - offset < room);

        return (end, count);
    }

    private void Roll(long firstLsn)
    {
        if (_stream is not null && _current is not null && _current.Length < _options.SegmentBytes)
        {
            return;
        }

        StartSegment(firstLsn);
        if (!HasConsumer)
        {
            var now = _time.GetUtcNow();
            RemoveSegments(s => s.LastAppendedAt is { } t && now - t > _options.MaxAge, "older than Storage:Wal:MaxAge");
            while (Interlocked.Read(ref _diskBytes) > _options.MaxBytes && RemoveOldest())
            {
            }
        }
    }

    private void StartSegment(long firstLsn)
    {
        var path = System.IO.Path.Combine(_directory, WalFormat.SegmentFileName(firstLsn));
        if (File.Exists(path))
        {
            // Only an empty segment of an earlier run can carry the same first LSN: its name is taken over.
            File.Delete(path);
        }

        var stream = _createSegment(path);
        try
        {
            Span<byte> header = stackalloc byte[WalFormat.SegmentHeaderSize];
            WalFormat.WriteSegmentHeader(header, firstLsn);
            stream.Write(header);
            stream.Flush();
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        if (_options.Fsync)
        {
            // The new file's directory entry must be durable before records in it are acknowledged.
            DirectorySync.Sync(_directory);
        }

        _stream?.Dispose();
        _stream = stream;
        var segment = new Segment(firstLsn, path) { Length = WalFormat.SegmentHeaderSize, FileBytes = WalFormat.SegmentHeaderSize, LastLsn = firstLsn - 1 };
        lock (_segmentsGate)
        {
            // A segment whose first write failed is started again under the same name.
            foreach (var stale in _segments.Where(s => s.FirstLsn == firstLsn).ToList())
            {
                _segments.Remove(stale);
                _diskBytes -= stale.FileBytes;
            }

            _segments.Add(segment);
            _current = segment;
            _diskBytes += WalFormat.SegmentHeaderSize;
        }
    }

    private bool RemoveOldest()
    {
        Segment? oldest;
        lock (_segmentsGate)
        {
            oldest = _segments.Count > 1 ? _segments[0] : null;
        }

        if (oldest is null)
        {
            return false;
        }

        RemoveSegments(s => s == oldest, "over Storage:Wal:MaxBytes");
        return true;
    }

    private void RemoveSegments(Func<Segment, bool> removable, string why)
    {
        List<Segment> removed = [];
        lock (_segmentsGate)
        {
            for (var i = 0; i < _segments.Count; i++)
            {
                var s = _segments[i];
                if (s != _current && removable(s))
                {
                    removed.Add(s);
                    _segments.RemoveAt(i--);
                    _diskBytes -= s.FileBytes;
                }
            }

            if (removed.Count > 0)
            {
                var space = _spaceSignal;
                _spaceSignal = NewSignal();
                space.TrySetResult();
            }
        }

        foreach (var s in removed)
        {
            try
            {
                File.Delete(s.Path);
                Log.SegmentRemoved(_logger, s.Path, s.FirstLsn, s.LastLsn, why);
            }
            catch (IOException ex)
            {
                Log.SegmentRemoveFailed(_logger, s.Path, ex.Message);
            }
        }
    }

    private void Recover()
    {
        var checkpoint = ReadCheckpoint();
        var damage = new List<WalDamage>();
        long records = 0;
        long lastLsn = 0;
        long highestEmptyFirst = 0;
        var files = Directory.EnumerateFiles(_directory, "*" + WalFormat.SegmentExtension)
            .Select(path => (Path: path, Ok: WalFormat.TryParseSegmentFileName(System.IO.Path.GetFileName(path), out var first), First: first))
            .Where(f => f.Ok)
            .OrderBy(f => f.First)
            .ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var (path, _, first) = files[i];
            var newest = i == files.Count - 1;
            var scan = ScanSegment(path, first);
            if (scan.Damage is { } d)
            {
                if (newest)
                {
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read);
                    file.SetLength(scan.ValidLength);
                    file.Flush(flushToDisk: true);
                    damage.Add(d with { Truncated = true });
                }
                else
                {
                    damage.Add(d);
                }
            }

            if (scan.Records == 0)
            {
                highestEmptyFirst = Math.Max(highestEmptyFirst, first);
                if (scan.Damage is null && scan.ValidLength <= WalFormat.SegmentHeaderSize)
                {
                    // An empty segment of an earlier run. A damaged one is kept for inspection: its report says "skipped".
                    File.Delete(path);
                    continue;
                }
            }

            records += scan.Records;
            lastLsn = Math.Max(lastLsn, scan.LastLsn);
            var segment = new Segment(first, path)
            {
                Length = scan.ValidLength,
                LastLsn = scan.Records == 0 ? first - 1 : scan.LastLsn,
                FirstAppendedAt = scan.FirstAppendedAt,
                LastAppendedAt = scan.LastAppendedAt,
                FileBytes = new FileInfo(path).Length,
            };
            _segments.Add(segment);
            _diskBytes += segment.FileBytes;
        }

        // LSNs are never reused: a consumer's checkpoint would otherwise skip new records.
        _nextLsn = Math.Max(Math.Max(lastLsn, checkpoint), highestEmptyFirst - 1) + 1;
        _durableLsn = _nextLsn - 1;
        _checkpointLsn = checkpoint;
        Recovery = new WalRecoveryReport(files.Count, records, lastLsn, checkpoint, damage);
        foreach (var d in damage)
        {
            Log.Damaged(_logger, d.ToString());
        }

        Log.Opened(_logger, _directory, files.Count, records, lastLsn, checkpoint);
        if (HasConsumer)
        {
            RemoveSegments(s => s.LastLsn <= checkpoint, "stored");
        }
    }

    private long ReadCheckpoint()
    {
        var path = System.IO.Path.Combine(_directory, CheckpointFile);
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 12 || Crc32.HashToUInt32(bytes.AsSpan(0, 8)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)))
        {
            // Written by rename, so a torn checkpoint means outside damage: start over from the oldest record kept.
            // Records may then be stored twice, which the point identity makes harmless.
            Log.CheckpointDamaged(_logger, path);
            return 0;
        }

        return BinaryPrimitives.ReadInt64LittleEndian(bytes);
    }

    private static SegmentScan ScanSegment(string path, long first)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
        var length = file.Length;
        Span<byte> header = stackalloc byte[WalFormat.SegmentHeaderSize];
        if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || WalFormat.ReadSegmentHeader(header) != first)
        {
            return new SegmentScan(0, 0, 0, null, null, new WalDamage(path, 0, length, "not a segment header (or it names another first LSN)", false));
        }

        long position = WalFormat.SegmentHeaderSize;
        long records = 0;
        var expected = first;
        DateTimeOffset? firstAt = null;
        DateTimeOffset? lastAt = null;
        Span<byte> recordHeader = stackalloc byte[WalFormat.RecordHeaderSize];
        var body = new byte[64 * 1024];
        while (position < length)
        {
            string? reason = null;
            if (length - position < WalFormat.RecordHeaderSize)
            {
                reason = "torn record header";
            }
            else
            {
                file.ReadExactly(recordHeader);
                var bodyLength = WalFormat.ReadLength(recordHeader);
                if (bodyLength < WalFormat.BodyHeaderSize || bodyLength > 64 * 1024 * 1024)
                {
                    reason = $"impossible record length {bodyLength}";
                }
                else if (length - position - WalFormat.RecordHeaderSize < bodyLength)
                {
                    reason = $"torn record (needs {bodyLength} bytes, {length - position - WalFormat.RecordHeaderSize} left)";
                }
                else
                {
                    if (body.Length < bodyLength)
                    {
                        body = new byte[bodyLength];
                    }

                    var span = body.AsSpan(0, bodyLength);
                    file.ReadExactly(span);
                    reason = WalFormat.Verify(recordHeader, span);
                    if (reason is null && WalFormat.ReadLsn(span) != expected)
                    {
                        reason = $"LSN {WalFormat.ReadLsn(span)} where {expected} was due";
                    }

                    if (reason is null)
                    {
                        var at = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(span[9..]));
                        firstAt ??= at;
                        lastAt = at;
                        records++;
                        expected++;
                        position += WalFormat.RecordHeaderSize + bodyLength;
                        continue;
                    }
                }
            }

            return new SegmentScan(position, records, expected - 1, firstAt, lastAt, new WalDamage(path, position, length - position, reason, false));
        }

        return new SegmentScan(position, records, expected - 1, firstAt, lastAt, null);
    }

    private readonly record struct SegmentScan(long ValidLength, long Records, long LastLsn, DateTimeOffset? FirstAppendedAt, DateTimeOffset? LastAppendedAt, WalDamage? Damage);

    /// <summary>A segment file and what is known of it.</summary>
    internal sealed class Segment(long firstLsn, string path)
    {
        public long FirstLsn { get; } = firstLsn;

        public string Path { get; } = path;

        /// <summary>Bytes that are durable and readable.</summary>
        public long Length { get; set; }

        /// <summary>Bytes the file takes on disk (more than <see cref="Length"/> when damage was skipped).</summary>
        public long FileBytes { get; set; }

        public long LastLsn { get; set; }

        public DateTimeOffset? FirstAppendedAt { get; set; }

        public DateTimeOffset? LastAppendedAt { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "Write-ahead log {Directory}: {Segments} segments, {Records} records, last LSN {LastLsn}, checkpoint {Checkpoint}")]
        public static partial void Opened(ILogger logger, string directory, int segments, long records, long lastLsn, long checkpoint);

        [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "Write-ahead log damaged: {Damage}")]
        public static partial void Damaged(ILogger logger, string damage);

        [LoggerMessage(EventId = 402, Level = LogLevel.Critical, Message = "Write-ahead log in {Directory} cannot be written: {Error}. Ingestion waits (messages stay unacknowledged) and retries")]
        public static partial void WriteFailed(ILogger logger, string directory, string error);

        [LoggerMessage(EventId = 403, Level = LogLevel.Warning, Message = "Write-ahead log writable again after {Seconds:F1} s ({Error})")]
        public static partial void WriteRecovered(ILogger logger, string error, double seconds);

        [LoggerMessage(EventId = 404, Level = LogLevel.Debug, Message = "Removed segment {Segment} (LSN {First}–{Last}): {Why}")]
        public static partial void SegmentRemoved(ILogger logger, string segment, long first, long last, string why);

        [LoggerMessage(EventId = 405, Level = LogLevel.Warning, Message = "Could not remove segment {Segment}: {Error}")]
        public static partial void SegmentRemoveFailed(ILogger logger, string segment, string error);

        [LoggerMessage(EventId = 406, Level = LogLevel.Error, Message = "Checkpoint {Path} is damaged; replaying every record kept (stored points are overwritten, not duplicated)")]
        public static partial void CheckpointDamaged(ILogger logger, string path);
    }
}
