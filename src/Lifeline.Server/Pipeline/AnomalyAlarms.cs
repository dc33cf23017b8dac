using Lifeline.Domain.Telemetry;
using Lifeline.Rules;
using Lifeline.Rules.Anomaly;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// Runs the <see cref="AnomalyEngine"/> inside the <see cref="TelemetryProcessor"/>, after the threshold rules: every
/// reading (and every out-of-range value ingestion rejected) and every timer tick. Its transitions become alarms of
/// their own kind through the synthetic rules of <see cref="AnomalyRuleFactory"/> (rule id <c>anomaly.{kind}</c>),
/// appended to the processor's transitions so they reach the alarm service in evaluation order — except
/// <see cref="AnomalyKinds.DeviceOffline"/>, which is the device's comm-loss alarm (<see cref="CommLossAlarms"/>), so a
/// device that stops sending and also drops off the broker gets one alarm. Each raise is logged with the detector's
/// detail (the alarm itself carries the kind, value and time). Called by the single consumer only.
/// </summary>
public sealed partial class AnomalyAlarms(
    AnomalyEngine engine,
    AnomalyRuleFactory rules,
    CommLossAlarms commLoss,
    ILogger<AnomalyAlarms> logger,
    Lifeline.Ingestion.Mqtt.MqttConnectionState? mqtt = null)
{
    private readonly List<AnomalyTransition> _scratch = [];
    private long _raised;
    private bool _suspended;

    /// <summary>The engine (for health and tests).</summary>
    public AnomalyEngine Engine => engine;

    /// <summary>Anomalies raised since start, device-offline ones (which raise the comm-loss alarm) included.</summary>
    public long Raised => Interlocked.Read(ref _raised);

    /// <summary>Runs the detectors of one reading; appends the alarm transitions to <paramref name="output"/>.</summary>
    public void Evaluate(in Reading reading, DateTimeOffset now, List<RuleTransition> output)
    {
        engine.Evaluate(reading, now, _scratch);
        Route(output);
    }

    /// <summary>
    /// Lets the timed detectors (device offline, command mismatch) expire; appends the alarm transitions to
    /// <paramref name="output"/>. While the platform's own MQTT connection is down, silence is not the devices' doing:
    /// the timers wait, and when it is back every watched device gets the start-up grace to report again.
    /// </summary>
    public void EvaluateTimers(DateTimeOffset now, List<RuleTransition> output)
    {
        if (mqtt is { IsConnected: false })
        {
            _suspended = true;
            return;
        }

        if (_suspended)
        {
            _suspended = false;
            engine.ResumeOffline(now);
        }

        engine.EvaluateTimers(now, _scratch);
        Route(output);
    }

    private void Route(List<RuleTransition> output)
    {
        if (_scratch.Count == 0)
        {
            return;
        }

        foreach (var transition in _scratch)
        {
            if (transition.IsRaised)
            {
                Interlocked.Increment(ref _raised);
                Log.Raised(logger, transition.Kind, transition.SensorId, transition.Detail);
            }

            if (transition.Kind == AnomalyKinds.DeviceOffline)
            {
                commLoss.SilenceChanged(transition);
            }
            else
            {
                output.Add(rules.ToRuleTransition(transition));
            }
        }

        _scratch.Clear();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 260, Level = LogLevel.Information, Message = "Anomaly {Kind} on {SensorId}: {Detail}")]
        public static partial void Raised(ILogger logger, string kind, string sensorId, string detail);
    }
}
