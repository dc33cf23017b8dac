using Lifeline.Domain.Telemetry;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// Where ingestion hands readings: each batch is appended to the write-ahead log, then queued for rule evaluation
/// at once (alarms do not wait for the disk); the caller acknowledges its source when the log says the batch is
/// on disk.
/// </summary>
public sealed class DurableTelemetrySink(WriteAheadLog wal, TelemetryPipeline pipeline, CommLossAlarms commLoss) : ITelemetrySink
{
    public async ValueTask<Task> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
    {
        if (batch.Readings.Count == 0)
        {
            // Only rejected (out-of-range) values, for anomaly detection: nothing to store.
            await pipeline.EnqueueAsync(batch, cancellationToken);
            return Task.CompletedTask;
        }

        var (_, durable) = await wal.AppendAsync(WalRecordKind.Telemetry, batch, TelemetryRecord.Write, cancellationToken);
        await pipeline.EnqueueAsync(batch, cancellationToken);
        return durable;
    }

    public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at)
    {
        pipeline.DeviceStatusChanged(deviceId, online, at);
        commLoss.StatusChanged(deviceId, online, at);
    }
}
