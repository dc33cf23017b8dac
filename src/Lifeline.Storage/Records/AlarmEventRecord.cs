using System.Buffers;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Storage.Records;

/// <summary>Encodes an alarm transition as a log record (JSON of the published <see cref="AlarmDto"/>) and back.</summary>
public static class AlarmEventRecord
{
    public static void Write(IBufferWriter<byte> destination, AlarmDto change) => JsonRecord.Write(destination, change);

    public static AlarmDto Read(ReadOnlySpan<byte> source) => JsonRecord.Read<AlarmDto>(source);
}
