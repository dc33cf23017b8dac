using System.Text.Json;
using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Publishing;

/// <summary>
/// Reads a platform command, <c>{"id":"C000042","ts":1795793718334,"values":{"fan1_cmd":true}}</c>, for one simulated
/// device: each <c>xxx_cmd</c> drives its boolean feedback channel <c>xxx_run</c> (<c>fan1_cmd</c> → <c>fan1_run</c>,
/// <c>pump2_cmd</c> → <c>pump2_run</c>), the mapping of the <c>zc-*</c> profiles of modbus.yaml. Never throws.
/// </summary>
internal static class CommandPayload
{
    private const string CommandSuffix = "_cmd";
    private const string FeedbackSuffix = "_run";

    /// <summary>One value of a command: the commanded point, the feedback channel it drives (null: unknown) and the value.</summary>
    public readonly record struct Entry(string Point, string? Feedback, bool On, string? Problem);

    /// <summary>Parses <paramref name="payload"/>; false with <paramref name="error"/> when it is not a command object at all.</summary>
    public static bool TryParse(Device device, ReadOnlySpan<byte> payload, out string? commandId, out List<Entry> entries, out string error)
    {
        commandId = null;
        entries = [];
        error = string.Empty;
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 8 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the payload is not a JSON object";
                return false;
            }

            if (root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                commandId = id.GetString();
            }

            if (!root.TryGetProperty("values", out var values) || values.ValueKind != JsonValueKind.Object)
            {
                error = "no 'values' object";
                return false;
            }

            foreach (var property in values.EnumerateObject())
            {
                entries.Add(Read(device, property));
            }

            if (entries.Count == 0)
            {
                error = "'values' is empty";
                return false;
            }

            return true;
        }
        catch (JsonException ex)
        {
            error = $"not JSON: {ex.Message}";
            return false;
        }
    }

    /// <summary>The feedback channel a command point drives on <paramref name="device"/>, or null when it has none.</summary>
    public static string? FeedbackOf(Device device, string point)
    {
        if (!point.EndsWith(CommandSuffix, StringComparison.Ordinal) || point.Length == CommandSuffix.Length)
        {
            return null;
        }

        var feedback = string.Concat(point.AsSpan(0, point.Length - CommandSuffix.Length), FeedbackSuffix);
        return device.TryGetChannel(feedback, out var channel) && channel.Kind == ChannelKind.Boolean ? feedback : null;
    }

    private static Entry Read(Device device, JsonProperty property)
    {
        var feedback = FeedbackOf(device, property.Name);
        if (feedback is null)
        {
            return new Entry(property.Name, null, false, $"{device.Id} has no command point '{property.Name}'");
        }

        var value = property.Value;
        return value.ValueKind switch
        {
            JsonValueKind.True => new Entry(property.Name, feedback, true, null),
            JsonValueKind.False => new Entry(property.Name, feedback, false, null),
            JsonValueKind.Number when value.TryGetDouble(out var number) && (number == 0 || number == 1) => new Entry(property.Name, feedback, number == 1, null),
            _ => new Entry(property.Name, feedback, false, $"'{property.Name}' must be true or false, not {value.GetRawText()}"),
        };
    }
}
