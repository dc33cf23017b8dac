using System.Buffers;
using System.Text.Json;

namespace Lifeline.Contracts.Mqtt;

/// <summary>Writes the telemetry JSON <c>{"ts","seq","values"}</c> that devices (and the simulator) publish.</summary>
public static class TelemetryPayloadWriter
{
    public static void Write(IBufferWriter<byte> output, long ts, long seq, IEnumerable<KeyValuePair<string, object>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        writer.WriteNumber("ts", ts);
        writer.WriteNumber("seq", seq);
        writer.WriteStartObject("values");
        foreach (var (name, value) in values)
        {
            switch (value)
            {
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case double d:
                    writer.WriteNumber(name, Math.Round(d, 4));
                    break;
                case IConvertible c:
                    writer.WriteNumber(name, c.ToDouble(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    throw new ArgumentException($"value of '{name}' must be a number or a boolean", nameof(values));
            }
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] ToBytes(long ts, long seq, IEnumerable<KeyValuePair<string, object>> values)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(buffer, ts, seq, values);
        return buffer.WrittenSpan.ToArray();
    }
}
