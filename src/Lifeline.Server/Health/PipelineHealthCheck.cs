using Lifeline.Alarms;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Server.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Health;

/// <summary>Ingestion counters, evaluation backlog, devices reporting and active alarms.</summary>
public sealed class PipelineHealthCheck(
    TelemetryPipeline pipeline,
    TelemetryProcessor processor,
    IngestionMetrics metrics,
    SensorStore sensors,
    AlarmService alarms,
    IOptions<PipelineOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (total, reporting, offline) = sensors.DeviceCounts();
        var backlog = pipeline.Backlog;
        var data = new Dictionary<string, object>
        {
            ["messagesReceived"] = metrics.Messages,
            ["readingsAccepted"] = metrics.Readings,
            ["readingsEvaluated"] = processor.Processed,
            ["rejected"] = metrics.TotalRejects,
            ["rejectsByReason"] = metrics.RejectsByReason(),
            ["backlogBatches"] = backlog,
            ["backlogCapacity"] = options.Value.Capacity,
            ["devices"] = total,
            ["devicesReporting"] = reporting,
            ["devicesOffline"] = offline,
            ["activeAlarms"] = alarms.ActiveCount,
            ["alarmSeq"] = alarms.Seq,
        };
        return Task.FromResult(backlog > options.Value.Capacity / 2
            ? HealthCheckResult.Degraded($"rule evaluation is behind: {backlog} batches queued", data: data)
            : HealthCheckResult.Healthy("evaluating live", data));
    }
}
