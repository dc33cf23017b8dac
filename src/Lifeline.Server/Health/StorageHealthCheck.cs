using Lifeline.Server.Storage;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Health;

/// <summary>
/// The write-ahead log and the InfluxDB forwarder: backlog (records, bytes, age of the oldest), write latency, failures
/// and circuit state. Degraded when InfluxDB is failing or the backlog passes its alarm limit; unhealthy when the log
/// is full or cannot be written (ingestion is paused).
/// </summary>
public sealed class StorageHealthCheck(
    WriteAheadLog wal,
    IOptions<StorageAlarmOptions> alarmOptions,
    TimeProvider time,
    IForwarderStatus? forwarder = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stats = wal.GetStats();
        var status = forwarder?.Status ?? ForwarderStatus.Disabled;
        var now = time.GetUtcNow();
        var oldestAge = status.OldestUnstoredAt is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
        var data = new Dictionary<string, object>
        {
            ["walLastLsn"] = stats.LastLsn,
            ["walDurableLsn"] = stats.DurableLsn,
            ["walStoredLsn"] = stats.CheckpointLsn,
            ["backlogRecords"] = stats.BacklogRecords,
            ["backlogBytes"] = stats.BacklogBytes,
            ["backlogPercent"] = Math.Round(stats.BacklogPercent, 2),
            ["oldestUnstoredSeconds"] = Math.Round(oldestAge, 1),
            ["walDiskBytes"] = stats.DiskBytes,
            ["walSegments"] = stats.Segments,
            ["walFull"] = stats.IsFull,
            ["forwarder"] = status.State.ToString(),
            ["circuit"] = status.Circuit,
            ["pointsWritten"] = status.PointsWritten,
            ["writeFailures"] = status.Failures,
            ["rejectedPoints"] = status.RejectedPoints,
            ["lastWriteMs"] = Math.Round(status.LastWriteMs, 1),
        };
        if (!wal.Recovery.Clean)
        {
            data["walRecovery"] = string.Join("; ", wal.Recovery.Damage.Select(d => d.ToString()));
        }

        if (status.LastSuccessAt is { } success)
        {
            data["lastWriteAt"] = success;
        }

        if (status.Connection is { } connection)
        {
            data["influx"] = connection;
        }

        if (stats.WriteError is { } error)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"write-ahead log cannot be written since {stats.WriteErrorSince:O}: {error}; ingestion waits", data: data));
        }

        if (stats.IsFull)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"write-ahead log full ({stats.BacklogBytes} of {stats.MaxBytes} bytes unstored); ingestion waits", data: data));
        }

        var options = alarmOptions.Value;
        if (status.State is ForwarderState.Failing or ForwarderState.CircuitOpen)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"InfluxDB writes failing ({status.LastError}); {stats.BacklogRecords} records kept in the write-ahead log", data: data));
        }

        if (wal.HasConsumer && (stats.BacklogPercent >= options.BacklogPercent || oldestAge > options.BacklogAge.TotalSeconds))
        {
            return Task.FromResult(HealthCheckResult.Degraded($"storage backlog: {stats.BacklogRecords} records, oldest {oldestAge:F0} s", data: data));
        }

        var description = forwarder is null
            ? "no InfluxDB configured: readings kept in the local write-ahead log only (rolling), history from memory"
            : $"storing in InfluxDB; backlog {stats.BacklogRecords} records";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
