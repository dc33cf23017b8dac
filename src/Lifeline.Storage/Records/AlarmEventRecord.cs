using System.Buffers;
using System.Text.Json;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Storage.Records;

/// <summary>Encodes an alarm transition as a log record (JSON of the published <see cref="AlarmDto"/>) and back.</summary>
public static class AlarmEventRecord
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Write(IBufferWriter<byte> destination, AlarmDto change)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, change, Options);
    }

    public static AlarmDto Read(ReadOnlySpan<byte> source) =>
        JsonSerializer.Deserialize<AlarmDto>(source, Options) ?? throw new InvalidDataException("alarm event record is null");
}
