using System.Buffers;
using System.Text.Json;

namespace Lifeline.Contracts.Mqtt;

/// <summary>
/// Parses telemetry payloads without throwing: structural faults reject the payload, a bad message of a batch
/// rejects that message, and a bad value rejects only that value.
/// </summary>
public static class TelemetryPayloadReader
{
    /// <summary>Default upper bound of a payload: a batch of a few hundred readings fits easily.</summary>
    public const int DefaultMaxPayloadBytes = 256 * 1024;

    /// <summary>Default upper bound of messages in one batch.</summary>
    public const int DefaultMaxBatch = 1000;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 8,
    };

    public static TelemetryPayload Parse(ReadOnlySequence<byte> payload, int maxPayloadBytes = DefaultMaxPayloadBytes, int maxBatch = DefaultMaxBatch)
    {
        if (payload.Length > maxPayloadBytes)
        {
            return TelemetryPayload.Rejected(PayloadError.PayloadTooLarge, $"{payload.Length} bytes, limit {maxPayloadBytes}");
        }

        if (payload.IsEmpty)
        {
            return TelemetryPayload.Rejected(PayloadError.MalformedJson, "empty payload");
        }

        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            if (!reader.Read())
            {
                return TelemetryPayload.Rejected(PayloadError.MalformedJson, "empty payload");
            }

            var messages = new List<TelemetryMessage>(1);
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    messages.Add(ReadMessage(ref reader));
                    break;
                case JsonTokenType.StartArray:
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            reader.Skip();
                            messages.Add(new TelemetryMessage(null, null, [], PayloadError.NotAnObject));
                        }
                        else
                        {
                            messages.Add(ReadMessage(ref reader));
                        }

                        if (messages.Count > maxBatch)
                        {
                            return TelemetryPayload.Rejected(PayloadError.BadBatch, $"more than {maxBatch} messages in one batch");
                        }
                    }

                    if (messages.Count == 0)
                    {
                        return TelemetryPayload.Rejected(PayloadError.BadBatch, "empty batch");
                    }

                    break;
                default:
                    return TelemetryPayload.Rejected(PayloadError.NotAnObject, $"payload starts with {reader.TokenType}, expected an object or an array");
            }

            // Anything after the top-level value is malformed (Utf8JsonReader throws on it).
            while (reader.Read())
            {
            }

            return new TelemetryPayload(messages, PayloadError.None, null);
        }
        catch (JsonException ex)
        {
            return TelemetryPayload.Rejected(PayloadError.MalformedJson, $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}: {FirstSentence(ex.Message)}");
        }
    }

    private static TelemetryMessage ReadMessage(ref Utf8JsonReader reader)
    {
        long? ts = null;
        long? seq = null;
        List<TelemetryValue>? values = null;
        var error = PayloadError.None;

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            switch (name)
            {
                case "ts":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var t) && t >= 0)
                    {
                        ts = t;
                    }
                    else
                    {
                        error = First(error, PayloadError.BadTimestamp);
                        reader.Skip();
                    }

                    break;
                case "seq":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }

                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s) && s >= 0)
                    {
                        seq = s;
                    }
                    else
                    {
                        error = First(error, PayloadError.BadSeq);
                        reader.Skip();
                    }

                    break;
                case "values":
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        values = ReadValues(ref reader);
                    }
                    else
                    {
                        error = First(error, PayloadError.MissingValues);
                        reader.Skip();
                    }

                    break;
                default:
                    // Unknown members are ignored so devices can add diagnostics without breaking ingestion.
                    reader.Skip();
                    break;
            }
        }

        if (values is null)
        {
            error = First(error, PayloadError.MissingValues);
        }

        return new TelemetryMessage(ts, seq, (IReadOnlyList<TelemetryValue>?)values ?? [], error);
    }

    private static List<TelemetryValue> ReadValues(ref Utf8JsonReader reader)
    {
        var values = new List<TelemetryValue>(8);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var channel = reader.GetString() ?? string.Empty;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.True:
                    values.Add(new TelemetryValue(channel, 1, true, PayloadError.None));
                    break;
                case JsonTokenType.False:
                    values.Add(new TelemetryValue(channel, 0, true, PayloadError.None));
                    break;
                case JsonTokenType.Number:
                    var ok = reader.TryGetDouble(out var d);
                    values.Add(ok && double.IsFinite(d)
                        ? new TelemetryValue(channel, d, false, PayloadError.None)
                        : new TelemetryValue(channel, double.NaN, false, PayloadError.NonFiniteValue));
                    break;
                case JsonTokenType.String when IsNonFiniteLiteral(ref reader):
                    values.Add(new TelemetryValue(channel, double.NaN, false, PayloadError.NonFiniteValue));
                    break;
                default:
                    reader.Skip();
                    values.Add(new TelemetryValue(channel, double.NaN, false, PayloadError.WrongValueType));
                    break;
            }
        }

        return values;
    }

    private static bool IsNonFiniteLiteral(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("NaN") || reader.ValueTextEquals("Infinity") || reader.ValueTextEquals("-Infinity");

    private static PayloadError First(PayloadError current, PayloadError next) => current == PayloadError.None ? next : current;

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }
}
