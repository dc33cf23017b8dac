namespace Lifeline.Storage.Wal;

/// <summary>One record read back from the log. <see cref="Payload"/> is valid until the reader reads the next record.</summary>
/// <param name="Lsn">Log sequence number: 1, 2, 3… in append order, never reused.</param>
/// <param name="Kind">What the payload holds.</param>
/// <param name="AppendedAt">When the record was appended.</param>
/// <param name="Payload">The record's bytes.</param>
public readonly record struct WalRecord(long Lsn, WalRecordKind Kind, DateTimeOffset AppendedAt, ReadOnlyMemory<byte> Payload);
