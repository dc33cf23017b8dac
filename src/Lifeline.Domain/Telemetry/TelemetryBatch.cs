namespace Lifeline.Domain.Telemetry;

/// <summary>The accepted readings of one device message (or batch), in payload order.</summary>
/// <param name="DeviceId">The reporting device.</param>
/// <param name="Readings">The accepted readings.</param>
/// <param name="ReceivedAt">When the platform received them.</param>
public sealed record TelemetryBatch(string DeviceId, IReadOnlyList<Reading> Readings, DateTimeOffset ReceivedAt);
