using System.Buffers;
using System.Text.Json;

namespace Lifeline.Storage.Records;

/// <summary>Encodes a value as a log record (its JSON, web defaults) and back.</summary>
public static class JsonRecord
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static void Write<T>(IBufferWriter<byte> destination, T value)
        where T : class
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, value, Options);
    }

    public static T Read<T>(ReadOnlySpan<byte> source)
        where T : class =>
        JsonSerializer.Deserialize<T>(source, Options) ?? throw new InvalidDataException($"{typeof(T).Name} record is null");
}
