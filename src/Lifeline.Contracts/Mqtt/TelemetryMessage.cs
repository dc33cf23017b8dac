namespace Lifeline.Contracts.Mqtt;

/// <summary>One telemetry object <c>{"ts", "seq", "values"}</c>.</summary>
/// <param name="Ts">Unix milliseconds, or null when the device sent none.</param>
/// <param name="Seq">Per-device counter, or null.</param>
/// <param name="Values">The values in payload order.</param>
/// <param name="Error">Why the whole message is unusable, or <see cref="PayloadError.None"/>.</param>
public sealed record TelemetryMessage(long? Ts, long? Seq, IReadOnlyList<TelemetryValue> Values, PayloadError Error);
