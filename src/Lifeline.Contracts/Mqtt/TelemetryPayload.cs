namespace Lifeline.Contracts.Mqtt;

/// <summary>The result of parsing one MQTT telemetry payload: an object or an array of objects.</summary>
/// <param name="Messages">Parsed messages (each may carry its own error); empty when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the whole payload was rejected, or <see cref="PayloadError.None"/>.</param>
/// <param name="Detail">A short human explanation of <paramref name="Error"/> (e.g. the JSON reader's position).</param>
public sealed record TelemetryPayload(IReadOnlyList<TelemetryMessage> Messages, PayloadError Error, string? Detail)
{
    public bool IsRejected => Error != PayloadError.None;

    public static TelemetryPayload Rejected(PayloadError error, string detail) => new([], error, detail);
}
