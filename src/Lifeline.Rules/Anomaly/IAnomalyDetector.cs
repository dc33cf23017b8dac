using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// One detector bound to one sensor (or one device, or one command/feedback pair), holding that sensor's state.
/// Deterministic: time comes only from the reading's timestamp or the injected <c>now</c>.
/// Not thread-safe; the <see cref="AnomalyEngine"/> serialises access.
/// </summary>
public interface IAnomalyDetector
{
    /// <summary>The alarm kind it produces (one of <see cref="AnomalyKinds"/>).</summary>
    string Kind { get; }

    /// <summary>True while its anomaly is raised.</summary>
    bool IsActive { get; }

    /// <summary>Feeds one reading of its sensor (or device); appends at most a raise and a clear to <paramref name="output"/>.</summary>
    /// <param name="reading">The reading; value-based detectors use its <see cref="Reading.Timestamp"/> as time.</param>
    /// <param name="now">Arrival time; timer-driven detectors (offline, command mismatch) use it so that it compares with the timer pass.</param>
    /// <param name="output">Receives transitions.</param>
    void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output);
}

/// <summary>A detector that also decides on time alone, without a reading (offline, command/feedback timeout).</summary>
public interface ITimedAnomalyDetector : IAnomalyDetector
{
    /// <summary>Lets timeouts expire at <paramref name="now"/>; appends transitions to <paramref name="output"/>.</summary>
    void EvaluateTimers(DateTimeOffset now, List<AnomalyTransition> output);
}
