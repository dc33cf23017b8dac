using System.Buffers;
using System.Text.Json;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms.Persistence;

/// <summary>Encodes a scope change (zone maintenance, sensor out of service) as a journal record and back.</summary>
internal static class AlarmScopeRecord
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Write(IBufferWriter<byte> destination, AlarmScopeDto scope)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, scope, Options);
    }

    public static AlarmScopeDto Read(ReadOnlySpan<byte> source) =>
        JsonSerializer.Deserialize<AlarmScopeDto>(source, Options) ?? throw new InvalidDataException("alarm scope record is null");
}
