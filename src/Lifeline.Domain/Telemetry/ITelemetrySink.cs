namespace Lifeline.Domain.Telemetry;

/// <summary>Where ingestion (MQTT, Modbus) hands accepted readings and device status.</summary>
public interface ITelemetrySink
{
    /// <summary>
    /// Accepts a batch. Completes once the batch is durably queued; waits (back-pressure) when the pipeline is full,
    /// so the caller acknowledges its source only after this returns.
    /// </summary>
    ValueTask AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken);

    /// <summary>A device said it is online or offline (MQTT status topic or last will).</summary>
    void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at);
}
