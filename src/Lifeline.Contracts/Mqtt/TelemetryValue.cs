namespace Lifeline.Contracts.Mqtt;

/// <summary>One entry of a telemetry message's <c>values</c> object, parsed but not yet checked against the registry.</summary>
/// <param name="Channel">Channel name.</param>
/// <param name="Value">The number; for booleans 1 or 0.</param>
/// <param name="IsBoolean">The JSON value was <c>true</c> or <c>false</c>.</param>
/// <param name="Error">Why this single value cannot be used, or <see cref="PayloadError.None"/>.</param>
public readonly record struct TelemetryValue(string Channel, double Value, bool IsBoolean, PayloadError Error);
