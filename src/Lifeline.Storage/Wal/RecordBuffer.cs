using System.Buffers;

namespace Lifeline.Storage.Wal;

/// <summary>A growable byte buffer that records are encoded into, and that can be rewound when encoding fails.</summary>
internal sealed class RecordBuffer(int initialCapacity = 256 * 1024) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[initialCapacity];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Count);

    public Span<byte> Slice(int start, int length) => _buffer.AsSpan(start, length);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (Count + count > _buffer.Length)
        {
            throw new InvalidOperationException("advanced past the end of the buffer");
        }

        Count += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(Count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(Count);
    }

    public void Rewind(int count) => Count = count;

    public void Clear()
    {
        Count = 0;

        // Give back the memory of an exceptional burst instead of holding it for the life of the process.
        if (_buffer.Length > 16 * 1024 * 1024)
        {
            _buffer = new byte[initialCapacity];
        }
    }

    private void Ensure(int sizeHint)
    {
        var needed = Count + Math.Max(sizeHint, 1);
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }
    }
}
