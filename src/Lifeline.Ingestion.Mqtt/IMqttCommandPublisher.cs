using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// Publishes commands to devices that report over MQTT, on the platform's own client (the ingestion session).
/// Topic <c>lifeline/{site}/{device}/command</c>, QoS 1, not retained (a retained command would fire again whenever the
/// device reconnects). The payload is <see cref="MqttCommandPayload"/>. Whether the command took effect is seen in
/// the device's telemetry (its feedback channel), not in an acknowledgement.
/// </summary>
public interface IMqttCommandPublisher
{
    /// <summary>
    /// Publishes one command and waits for the broker's PUBACK.
    /// </summary>
    /// <exception cref="InvalidOperationException">The platform is not connected to the broker.</exception>
    Task PublishCommandAsync(string siteId, string deviceId, string commandId, string channel, double value, bool isBoolean, CancellationToken cancellationToken);
}

/// <summary>
/// The command payload (JSON, UTF-8), shaped like telemetry:
/// <c>{"id": "C000042", "ts": 1795793718334, "values": {"fan1_cmd": true}}</c>. <c>id</c> names the command in the
/// platform's audit trail, <c>ts</c> is unix milliseconds when it was sent, <c>values</c> maps the command output to a
/// boolean (coils: run/stop) or a number (setpoints, in the channel's unit).
/// </summary>
public static class MqttCommandPayload
{
    /// <summary>Writes the payload.</summary>
    public static byte[] Write(string commandId, DateTimeOffset sentAt, string channel, double value, bool isBoolean)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", commandId);
            json.WriteNumber("ts", sentAt.ToUnixTimeMilliseconds());
            json.WriteStartObject("values");
            if (isBoolean)
            {
                json.WriteBoolean(channel, value != 0);
            }
            else
            {
                json.WriteNumber(channel, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a payload back (for devices, simulators and tests).</summary>
    /// <exception cref="JsonException">Not a command payload.</exception>
    public static (string Id, DateTimeOffset SentAt, IReadOnlyDictionary<string, double> Values) Read(ReadOnlySpan<byte> payload)
    {
        using var document = JsonDocument.Parse(payload.ToArray());
        var root = document.RootElement;
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("values").EnumerateObject())
        {
            values[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                JsonValueKind.Number => property.Value.GetDouble(),
                _ => throw new JsonException(string.Create(CultureInfo.InvariantCulture, $"values.{property.Name}: expected a boolean or a number")),
            };
        }

        return (root.GetProperty("id").GetString() ?? string.Empty, DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("ts").GetInt64()), values);
    }
}
