using Lifeline.Alarms;
using Lifeline.Rules;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// The single consumer of the pipeline: updates the latest values, evaluates the rules (then the anomaly detectors,
/// when registered) and applies the transitions to the alarm service, in arrival order. A timer puts ticks in the same
/// queue so on/off-delays expire in order, and <see cref="TelemetryPipeline.InvokeAsync{T}"/> puts actions (rule
/// reloads) there so they run between two batches.
/// </summary>
public sealed partial class TelemetryProcessor(
    TelemetryPipeline pipeline,
    SensorStore sensors,
    RuleEngine rules,
    AlarmService alarms,
    IOptions<PipelineOptions> options,
    TimeProvider time,
    ILogger<TelemetryProcessor> logger,
    Lifeline.Control.CommandService commands,
    Lifeline.Storage.History.MemorySensorHistory? memoryHistory = null,
    AnomalyAlarms? anomalies = null) : BackgroundService
{
    private long _processed;

    /// <summary>Readings evaluated since start.</summary>
    public long Processed => Interlocked.Read(ref _processed);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = time.CreateTimer(_ => pipeline.TryTick(), null, options.Value.TimerInterval, options.Value.TimerInterval);
        var transitions = new List<Rules.RuleTransition>();
        var reader = pipeline.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (reader.TryRead(out var batch))
                {
                    transitions.Clear();
                    try
                    {
                        var now = time.GetUtcNow();
                        if (ReferenceEquals(batch, TelemetryPipeline.Tick))
                        {
                            rules.EvaluateTimers(now, transitions);
                            anomalies?.EvaluateTimers(now, transitions);
                        }
                        else if (ReferenceEquals(batch, TelemetryPipeline.Control))
                        {
                            // E.g. a rule reload: swapped here, between two batches, so no reading sees half a rule set.
                            pipeline.RunActions(now, transitions);
                        }
                        else
                        {
                            foreach (var reading in batch.Readings)
                            {
                                sensors.Update(reading, batch.ReceivedAt);
                                memoryHistory?.Record(reading);
                                commands.OnReading(reading);
                                rules.Evaluate(reading, now, transitions);
                                anomalies?.Evaluate(reading, now, transitions);
                            }

                            foreach (var rejected in batch.OutOfRange)
                            {
                                anomalies?.Evaluate(rejected, now, transitions);
                            }

                            Interlocked.Add(ref _processed, batch.Readings.Count);
                        }

                        alarms.Apply(transitions);
                    }
#pragma warning disable CA1031 // One faulty batch must not stop evaluation for every other sensor.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.BatchFailed(logger, batch.DeviceId, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Error, Message = "Evaluating a batch of device {DeviceId} failed")]
        public static partial void BatchFailed(ILogger logger, string deviceId, Exception exception);
    }
}
