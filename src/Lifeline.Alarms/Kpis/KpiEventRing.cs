namespace Lifeline.Alarms.Kpis;

/// <summary>
/// A bounded FIFO of <see cref="KpiEvent"/>s kept in fixed chunks (each under the large-object threshold), grown as
/// needed and dropped whole once evicted. A slot is written once and never changed afterwards and chunks are never
/// reused, so a <see cref="KpiEventSnapshot"/> taken under the owner's lock can be read without it while appends go on.
/// Not thread-safe: the owner serialises every call.
/// </summary>
internal sealed class KpiEventRing
{
    /// <summary>Events per chunk: 1024 × ~80 bytes stays below the 85,000-byte large-object threshold.</summary>
    public const int ChunkSize = 1024;

    private readonly List<KpiEvent[]> _chunks = [];
    private long _chunksBase;
    private long _first;
    private long _next;

    /// <summary>Events held.</summary>
    public int Count => (int)(_next - _first);

    /// <summary>The oldest event held; only when <see cref="Count"/> is not zero.</summary>
    public ref readonly KpiEvent Oldest => ref Slot(_first);

    public void Append(in KpiEvent item)
    {
        var offset = _next - _chunksBase;
        var chunk = (int)(offset / ChunkSize);
        if (chunk == _chunks.Count)
        {
            _chunks.Add(new KpiEvent[ChunkSize]);
        }

        _chunks[chunk][offset % ChunkSize] = item;
        _next++;
    }

    /// <summary>Drops the oldest event; only when <see cref="Count"/> is not zero.</summary>
    public void RemoveOldest()
    {
        _first++;
        if (_first - _chunksBase >= ChunkSize)
        {
            // The slots stay as they are: a snapshot may still be reading this chunk.
            _chunks.RemoveAt(0);
            _chunksBase += ChunkSize;
        }
    }

    /// <summary>The events held now, oldest first; stays valid (and unchanged) while appends and evictions go on.</summary>
    public KpiEventSnapshot Snapshot() => new([.. _chunks], _chunksBase, _first, Count);

    private ref KpiEvent Slot(long index)
    {
        var offset = index - _chunksBase;
        return ref _chunks[(int)(offset / ChunkSize)][offset % ChunkSize];
    }
}

/// <summary>The events of a <see cref="KpiEventRing"/> at one moment, oldest (lowest seq) first.</summary>
internal sealed class KpiEventSnapshot(KpiEvent[][] chunks, long chunksBase, long first, int count)
{
    public static KpiEventSnapshot Empty { get; } = new([], 0, 0, 0);

    public int Count { get; } = count;

    public ref readonly KpiEvent this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var offset = first + index - chunksBase;
            return ref chunks[(int)(offset / KpiEventRing.ChunkSize)][offset % KpiEventRing.ChunkSize];
        }
    }
}
