using System.Buffers;
using System.Buffers.Binary;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

/// <summary>A private temporary directory, removed with everything in it.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Path = Directory.CreateTempSubdirectory("lifeline-wal-").FullName;

    public string Path { get; }

    public string[] Segments() => [.. Directory.GetFiles(Path, "*.wal").Order(StringComparer.Ordinal)];

    public string CheckpointPath => System.IO.Path.Combine(Path, "checkpoint");

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>Shared pieces of the write-ahead log tests: options, payloads, reading everything back.</summary>
internal static class WalTest
{
    public const int SegmentHeaderSize = 16;
    public const int RecordOverhead = 8 + 17;
    public const long SmallSegment = 64 * 1024;

    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static WalOptions Options(TempDirectory dir, long segmentBytes = SmallSegment, long maxBytes = 64L * 1024 * 1024, int maxRecordBytes = 1024 * 1024) =>
        new()
        {
            Path = dir.Path,
            SegmentBytes = segmentBytes,
            MaxBytes = maxBytes,
            MaxRecordBytes = maxRecordBytes,
            MaxAge = TimeSpan.FromDays(7),
            Fsync = false,
        };

    public static WriteAheadLog Open(WalOptions options, TimeProvider time, bool hasConsumer = true, Func<string, Stream>? createSegment = null, ILogger? logger = null) =>
        WriteAheadLog.Open(options, hasConsumer, time, logger ?? NullLogger.Instance, createSegment);

    public static readonly WalPayloadWriter<byte[]> Bytes = static (destination, payload) => destination.Write(payload);

    /// <summary>A payload of <paramref name="length"/> bytes that names <paramref name="id"/> and differs for every id.</summary>
    public static byte[] Payload(long id, int length = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 8);
        var bytes = new byte[length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, id);
        var state = (uint)(id * 2654435761 + 12345);
        for (var i = 8; i < length; i++)
        {
            state = (state * 1103515245) + 12345;
            bytes[i] = (byte)(state >> 16);
        }

        return bytes;
    }

    /// <summary>Appends and waits until the record is on disk.</summary>
    public static async Task<long> AppendDurableAsync(this WriteAheadLog log, byte[] payload, WalRecordKind kind = WalRecordKind.Telemetry)
    {
        var (lsn, durable) = await log.AppendAsync(kind, payload, Bytes, CancellationToken.None).AsTask().WaitAsync(Timeout);
        await durable.WaitAsync(Timeout);
        return lsn;
    }

    /// <summary>Appends <paramref name="count"/> payloads (ids from <paramref name="firstId"/>) and waits until all are on disk.</summary>
    public static async Task<List<(long Lsn, byte[] Payload)>> AppendManyAsync(this WriteAheadLog log, int count, int length = 100, long firstId = 1)
    {
        var appended = new List<(long Lsn, byte[] Payload)>(count);
        var durables = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var payload = Payload(firstId + i, length);
            var (lsn, durable) = log.Append(WalRecordKind.Telemetry, payload, Bytes);
            appended.Add((lsn, payload));
            durables.Add(durable);
        }

        await Task.WhenAll(durables).WaitAsync(Timeout);
        return appended;
    }

    /// <summary>Everything the reader returns now (payloads copied: they are only valid until the next read).</summary>
    public static List<(long Lsn, WalRecordKind Kind, DateTimeOffset At, byte[] Payload)> ReadAll(this WalReader reader)
    {
        var records = new List<(long, WalRecordKind, DateTimeOffset, byte[])>();
        while (reader.TryRead(out var record))
        {
            records.Add((record.Lsn, record.Kind, record.AppendedAt, record.Payload.ToArray()));
        }

        return records;
    }

    public static List<(long Lsn, WalRecordKind Kind, DateTimeOffset At, byte[] Payload)> ReadAll(this WriteAheadLog log, long fromLsn = 1)
    {
        using var reader = log.OpenReader(fromLsn);
        return reader.ReadAll();
    }

    /// <summary>Offsets and total lengths of the records of a segment file, found by walking their length fields.</summary>
    public static List<(long Offset, int Length)> RecordsOf(string segmentPath)
    {
        var bytes = File.ReadAllBytes(segmentPath);
        var records = new List<(long, int)>();
        var position = SegmentHeaderSize;
        while (position + 8 <= bytes.Length)
        {
            var length = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(position));
            if (position + length > bytes.Length)
            {
                break;
            }

            records.Add((position, length));
            position += length;
        }

        return records;
    }

    public static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var b = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(b ^ 0x5A));
    }

    public static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(length);
    }

    public static void AppendBytes(string path, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        file.Write(bytes);
    }

    /// <summary>The segment file names of LSN <paramref name="firstLsn"/> as the log names it.</summary>
    public static string SegmentName(long firstLsn) => $"{firstLsn:D20}.wal";
}

/// <summary>A <see cref="FakeTimeProvider"/> that says when a timer (a retry delay) has been started.</summary>
internal sealed class SignalingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TimeSpan> _dueTimes = [];
    private int _timers;

    /// <summary>The due times of the timers created, in order.</summary>
    public IReadOnlyList<TimeSpan> DueTimes
    {
        get
        {
            lock (_gate)
            {
                return [.. _dueTimes];
            }
        }
    }

    public int TimersCreated
    {
        get
        {
            lock (_gate)
            {
                return _timers;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _timers++;
            _dueTimes.Add(dueTime);
            _created.TrySetResult();
        }

        return timer;
    }

    /// <summary>Waits until at least <paramref name="count"/> timers were created in all.</summary>
    public async Task WaitForTimersAsync(int count)
    {
        while (true)
        {
            Task created;
            lock (_gate)
            {
                if (_timers >= count)
                {
                    return;
                }

                if (_created.Task.IsCompleted)
                {
                    _created = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                created = _created.Task;
            }

            await created.WaitAsync(WalTest.Timeout);
        }
    }
}

/// <summary>
/// A segment stream over a real file that counts writes, can hold the writer at its first record write, and can fail
/// like a full disk (writing part of the data, then throwing).
/// </summary>
internal sealed class TestSegmentStream(FileStream inner, SegmentStreamControl control) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => true;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => inner.Position = value;
    }

    public override void Flush() => inner.Flush(flushToDisk: control.FlushToDisk);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

    public override void SetLength(long value)
    {
        if (control.FailSetLength)
        {
            throw new IOException("Input/output error");
        }

        inner.SetLength(value);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var isHeader = inner.Position == 0 && buffer.Length == WalTest.SegmentHeaderSize;
        control.BeforeWrite(isHeader);
        if (control.Failing && !(isHeader && control.FailRecordsOnly))
        {
            // A full disk: part of the data reaches the file, then the write fails.
            inner.Write(buffer[..(buffer.Length / 2)]);
            control.Failed();
            throw new IOException("No space left on device");
        }

        inner.Write(buffer);
        control.Written(isHeader);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>What the test segment streams do; shared by every segment of one log.</summary>
internal sealed class SegmentStreamControl : IDisposable
{
    private readonly Lock _gate = new();
    private readonly ManualResetEventSlim _release = new(initialState: true);
    private TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _recordWrites;
    private int _headerWrites;
    private int _failures;
    private bool _holdNext;

    public bool FlushToDisk { get; init; }

    /// <summary>Writes fail (after writing half their bytes).</summary>
    public bool Failing { get; set; }

    /// <summary>While <see cref="Failing"/>, segment headers are still written.</summary>
    public bool FailRecordsOnly { get; set; }

    /// <summary>Cutting a segment fails too.</summary>
    public bool FailSetLength { get; set; }

    /// <summary>Creating a segment file fails.</summary>

    public bool FailCreate { get; set; }

    public int SegmentsCreated { get; private set; }

    public int RecordWrites
    {
        get
        {
            lock (_gate)
            {
                return _recordWrites;
            }
        }
    }

    public int HeaderWrites
    {
        get
        {
            lock (_gate)
            {
                return _headerWrites;
            }
        }
    }

    public int Failures
    {
        get
        {
            lock (_gate)
            {
                return _failures;
            }
        }
    }

    /// <summary>Completes when a write failed (since the last call of <see cref="NextFailure"/>).</summary>
    public Task NextFailure()
    {
        lock (_gate)
        {
            if (_failed.Task.IsCompleted)
            {
                _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return _failed.Task;
        }
    }

    /// <summary>Completes when the writer is held at its next record write.</summary>
    public Task Held => _held.Task;

    public void HoldNextRecordWrite()
    {
        lock (_gate)
        {
            _holdNext = true;
            _release.Reset();
        }
    }

    public void Release() => _release.Set();

    public void Dispose() => _release.Dispose();

    public Stream Create(string path)
    {
        if (FailCreate)
        {
            throw new IOException("No space left on device");
        }

        SegmentsCreated++;
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        return new TestSegmentStream(file, this);
    }

    internal void BeforeWrite(bool isHeader)
    {
        bool hold;
        lock (_gate)
        {
            hold = _holdNext && !isHeader;
            if (hold)
            {
                _holdNext = false;
            }
        }

        if (hold)
        {
            _held.TrySetResult();
            _release.Wait(WalTest.Timeout).ShouldBeTrue("the test did not release the held writer");
        }
    }

    internal void Written(bool isHeader)
    {
        lock (_gate)
        {
            if (isHeader)
            {
                _headerWrites++;
            }
            else
            {
                _recordWrites++;
            }
        }
    }

    internal void Failed()
    {
        lock (_gate)
        {
            _failures++;
            _failed.TrySetResult();
        }
    }
}
