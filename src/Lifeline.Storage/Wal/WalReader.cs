using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Lifeline.Storage.Wal;

/// <summary>
/// Reads durable records in LSN order, from a starting LSN, following the log across segments as it grows. Records
/// that fail their checksum are never returned: in a sealed segment the rest of it is skipped (and counted).
/// </summary>
public sealed class WalReader : IDisposable
{
    private readonly WriteAheadLog _log;
    private WriteAheadLog.Segment? _segment;
    private SafeFileHandle? _file;
    private long _position;
    private byte[] _buffer = new byte[1 << 20];
    private long _bufferOffset;
    private int _bufferLength;

    internal WalReader(WriteAheadLog log, long fromLsn)
    {
        _log = log;
        NextLsn = fromLsn;
    }

    /// <summary>The LSN the next record will have at least.</summary>
    public long NextLsn { get; private set; }

    /// <summary>Regions skipped because they could not be read (damage in a sealed segment).</summary>
    public int Skipped { get; private set; }

    /// <summary>Reads the next durable record; false when there is none yet.</summary>
    public bool TryRead(out WalRecord record)
    {
        record = default;
        while (true)
        {
            if (_segment is null)
            {
                _segment = _log.FindSegment(NextLsn);
                Open();
                if (_segment is null)
                {
                    return false;
                }
            }

            var (readable, isSealed, damaged) = _log.Readable(_segment);
            if (_position + WalFormat.RecordHeaderSize > readable)
            {
                if (!isSealed)
                {
                    return false;
                }

                if (damaged)
                {
                    // The rest of the file was found unreadable at start-up (and reported then).
                    Skipped++;
                }

                if (!MoveNext())
                {
                    return false;
                }

                continue;
            }

            if (!Ensure(_position, WalFormat.RecordHeaderSize))
            {
                if (!Skip())
                {
                    return false;
                }

                continue;
            }

            var header = Span(_position, WalFormat.RecordHeaderSize);
            var length = WalFormat.ReadLength(header);
            if (length < WalFormat.BodyHeaderSize || _position + WalFormat.RecordHeaderSize + length > readable
                || !Ensure(_position, WalFormat.RecordHeaderSize + length))
            {
                if (!Skip())
                {
                    return false;
                }

                continue;
            }

            header = Span(_position, WalFormat.RecordHeaderSize);
            var body = Span(_position + WalFormat.RecordHeaderSize, length);
            if (WalFormat.Verify(header, body) is not null)
            {
                if (!Skip())
                {
                    return false;
                }

                continue;
            }

            var bodyStart = (int)(_position + WalFormat.RecordHeaderSize - _bufferOffset);
            _position += WalFormat.RecordHeaderSize + length;
            var lsn = WalFormat.ReadLsn(body);
            if (lsn < NextLsn)
            {
                continue;
            }

            NextLsn = lsn + 1;
            var at = DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64LittleEndian(body[9..]));
            record = new WalRecord(lsn, (WalRecordKind)body[8], at, _buffer.AsMemory(bodyStart + WalFormat.BodyHeaderSize, length - WalFormat.BodyHeaderSize));
            return true;
        }
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
    }

    private void Open()
    {
        _file?.Dispose();
        _file = null;
        _bufferLength = 0;
        _position = WalFormat.SegmentHeaderSize;
        while (_segment is not null)
        {
            try
            {
                _file = File.OpenHandle(_segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return;
            }
            catch (FileNotFoundException)
            {
                // Removed (stored or past retention) between lookup and open, or from outside: go on with the next one.
                _segment = _log.NextSegment(_segment);
            }
        }
    }

    private bool MoveNext()
    {
        var next = _log.NextSegment(_segment!);
        if (next is null)
        {
            return false;
        }

        _segment = next;
        Open();
        return _segment is not null;
    }

    /// <summary>
    /// The rest of a sealed segment cannot be read: go on with the next one. False when there is none, or the segment
    /// is the one being written (it only ever holds whole, checked records, so a failure there is a read that raced
    /// with removal or outside damage: report nothing more now, try again later).
    /// </summary>
    private bool Skip()
    {
        var (_, isSealed, _) = _log.Readable(_segment!);
        if (!isSealed)
        {
            _bufferLength = 0;
            return false;
        }

        Skipped++;
        return MoveNext();
    }

    private ReadOnlySpan<byte> Span(long offset, int length) => _buffer.AsSpan((int)(offset - _bufferOffset), length);

    private bool Ensure(long offset, int length)
    {
        if (offset >= _bufferOffset && offset + length <= _bufferOffset + _bufferLength)
        {
            return true;
        }

        if (_file is null)
        {
            return false;
        }

        if (_buffer.Length < length)
        {
            _buffer = new byte[length];
        }

        var read = 0;
        while (read < _buffer.Length)
        {
            var n = RandomAccess.Read(_file, _buffer.AsSpan(read), offset + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        _bufferOffset = offset;
        _bufferLength = read;
        return read >= length;
    }
}
