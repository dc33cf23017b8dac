using Lifeline.Alarms;
using Lifeline.Contracts.Mqtt;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Server.Pipeline;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.Wal;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>The server's figures, read from its own counters and services.</summary>
public sealed class ServerPlatformFigureSource(
    TelemetryProcessor processor,
    TelemetryPipeline pipeline,
    IngestionMetrics ingestion,
    SensorStore sensors,
    AlarmService alarms,
    AlarmActivationCounter activations,
    WriteAheadLog wal,
    StorageMeterReader storage,
    IEnumerable<IForwarderStatus> forwarder,
    TimeProvider time) : IPlatformFigureSource
{
    private static readonly PayloadError[] Reasons = [.. Enum.GetValues<PayloadError>().Where(r => r != PayloadError.None)];
    private readonly IForwarderStatus? _forwarder = forwarder.FirstOrDefault();

    public PlatformFigures Read()
    {
        var stats = wal.GetStats();
        var (_, reporting, offline) = sensors.DeviceCounts();
        var oldest = _forwarder?.Status.OldestUnstoredAt is { } at ? Math.Max(0, (time.GetUtcNow() - at).TotalSeconds) : 0;
        return new PlatformFigures
        {
            Readings = processor.Processed,
            Messages = ingestion.Messages,
            RejectsByReason = Reasons.ToDictionary(r => r.ToString(), ingestion.RejectsOf),
            AlarmsRaised = activations.Count,
            PointsWritten = storage.PointsWritten,
            WriteFailures = storage.WriteFailures,
            PointsRejected = storage.PointsRejected,
            WriteLatenciesMs = storage.TakeLatencies(),
            WalBacklogBytes = stats.BacklogBytes,
            WalBacklogRecords = stats.BacklogRecords,
            WalDiskBytes = stats.DiskBytes,
            WalBacklogPercent = stats.BacklogPercent,
            WalOldestUnstoredSeconds = oldest,
            EvaluationBacklog = pipeline.Backlog,
            ActiveAlarms = alarms.ActiveCount,
            DevicesReporting = reporting,
            DevicesOffline = offline,
        };
    }
}
