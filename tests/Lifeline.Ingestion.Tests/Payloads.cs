using System.Buffers;
using System.Text;

namespace Lifeline.Ingestion.Tests;

/// <summary>Builds payload byte sequences for the tests, as one segment or split into many.</summary>
internal static class Payloads
{
    public static ReadOnlySequence<byte> Single(string json) => new(Encoding.UTF8.GetBytes(json));

    /// <summary>Splits the UTF-8 bytes of <paramref name="json"/> into segments whose sizes cycle through <paramref name="sizes"/>.</summary>
    public static ReadOnlySequence<byte> Segmented(string json, params int[] sizes)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Chunk? first = null;
        Chunk? last = null;
        var offset = 0;
        var i = 0;
        while (offset < bytes.Length)
        {
            var size = Math.Min(sizes[i++ % sizes.Length], bytes.Length - offset);

            // Each segment owns a fresh array so no segment can read past its own bytes.
            var memory = bytes.AsSpan(offset, size).ToArray();
            if (first is null)
            {
                first = last = new Chunk(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }

            offset += size;
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Chunk : ReadOnlySequenceSegment<byte>
    {
        public Chunk(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Chunk Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Chunk(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
