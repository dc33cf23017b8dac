namespace Lifeline.Domain.Telemetry;

/// <summary>Where ingestion (MQTT, Modbus) hands accepted readings and device status.</summary>
public interface ITelemetrySink
{
    /// <summary>
    /// Accepts a batch. Returns once the batch is queued, waiting (back-pressure) while the pipeline or the
    /// write-ahead log is full. The returned task completes when the batch is durable (on disk): the caller
    /// acknowledges its source only then, so a crash before that makes the source deliver it again.
    /// </summary>
    ValueTask<Task> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken);

    /// <summary>A device said it is online or offline (MQTT status topic or last will).</summary>
    void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at);
}
