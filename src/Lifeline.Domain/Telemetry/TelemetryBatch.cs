namespace Lifeline.Domain.Telemetry;

/// <summary>The accepted readings of one device message (or batch), in payload order.</summary>
/// <param name="DeviceId">The reporting device.</param>
/// <param name="Readings">The accepted readings.</param>
/// <param name="ReceivedAt">When the platform received them.</param>
public sealed record TelemetryBatch(string DeviceId, IReadOnlyList<Reading> Readings, DateTimeOffset ReceivedAt)
{
    /// <summary>
    /// Values of the same message that lie outside their channel's physical range, in payload order. Ingestion rejects
    /// them (they are not stored, not evaluated by the threshold rules and never a sensor's latest value); only anomaly
    /// detection sees them (a sensor fault, and the message's seq). A batch may carry only these (no <see cref="Readings"/>).
    /// </summary>
    public IReadOnlyList<Reading> OutOfRange { get; init; } = [];
}
