using System.Diagnostics.Metrics;
using Lifeline.Alarms;
using Lifeline.Server.Pipeline;

namespace Lifeline.Server.Observability;

/// <summary>
/// Observable instruments of the meter <c>Lifeline.Pipeline</c>: readings evaluated by the rules, the evaluation
/// backlog, the alarms that are not over and the alarm seq of this instance. Read when scraped.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "Lifeline.Pipeline";

    public PipelineMetrics(IMeterFactory meterFactory, TelemetryPipeline pipeline, TelemetryProcessor processor, AlarmService alarms)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableCounter("lifeline.pipeline.evaluated", () => processor.Processed, "{reading}", "Readings evaluated by the rules");
        meter.CreateObservableGauge("lifeline.pipeline.backlog", () => pipeline.Backlog, "{batch}", "Batches queued between ingestion and the rules");
        meter.CreateObservableGauge("lifeline.alarms.active", () => alarms.ActiveCount, "{alarm}", "Alarms of this instance that are not over");
        meter.CreateObservableGauge("lifeline.alarms.seq", () => alarms.Seq, "{transition}", "Last alarm seq of this instance");
    }
}
