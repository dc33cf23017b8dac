using System.Buffers.Binary;
using System.IO.Hashing;

namespace Lifeline.Storage.Wal;

/// <summary>
/// The on-disk format. A segment starts with a 16-byte header (8-byte magic, first LSN); then records, each
/// <c>length (u32) | crc32 of body (u32) | body</c> with body <c>lsn (u64) | kind (u8) | appended-at unix ms (i64) | payload</c>.
/// All integers little-endian. A record whose length, checksum or LSN does not fit is never returned.
/// </summary>
internal static class WalFormat
{
    public const int SegmentHeaderSize = 16;
    public const int RecordHeaderSize = 8;
    public const int BodyHeaderSize = 17;
    public const string SegmentExtension = ".wal";

    private static ReadOnlySpan<byte> Magic => "LLWAL\0\0\u0001"u8;

    public static string SegmentFileName(long firstLsn) => $"{firstLsn:D20}{SegmentExtension}";

    public static bool TryParseSegmentFileName(string fileName, out long firstLsn)
    {
        firstLsn = 0;
        return fileName.Length == 20 + SegmentExtension.Length
            && fileName.EndsWith(SegmentExtension, StringComparison.Ordinal)
            && long.TryParse(fileName.AsSpan(0, 20), System.Globalization.NumberStyles.None, null, out firstLsn)
            && firstLsn > 0;
    }

    public static void WriteSegmentHeader(Span<byte> destination, long firstLsn)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], firstLsn);
    }

    /// <summary>Reads a segment header; null when it is not one.</summary>
    public static long? ReadSegmentHeader(ReadOnlySpan<byte> source) =>
        source.Length >= SegmentHeaderSize && source[..8].SequenceEqual(Magic)
            ? BinaryPrimitives.ReadInt64LittleEndian(source[8..])
            : null;

    /// <summary>Fills in length and checksum of a record whose body has been written after an 8-byte gap.</summary>
    public static void SealRecord(Span<byte> record)
    {
        var body = record[RecordHeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], Crc32.HashToUInt32(body));
    }

    public static void WriteBodyHeader(Span<byte> destination, long lsn, WalRecordKind kind, long appendedAtUnixMs)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, lsn);
        destination[8] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], appendedAtUnixMs);
    }

    /// <summary>Checks a record's body against its header: why it is unreadable, or null when it is sound.</summary>
    public static string? Verify(ReadOnlySpan<byte> header, ReadOnlySpan<byte> body)
    {
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (Crc32.HashToUInt32(body) != crc)
        {
            return "checksum mismatch";
        }

        return Enum.IsDefined((WalRecordKind)body[8]) ? null : $"unknown record kind {body[8]}";
    }

    public static int ReadLength(ReadOnlySpan<byte> header) => (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header), int.MaxValue);

    public static long ReadLsn(ReadOnlySpan<byte> body) => BinaryPrimitives.ReadInt64LittleEndian(body);
}
