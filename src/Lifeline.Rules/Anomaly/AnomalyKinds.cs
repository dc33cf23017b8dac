namespace Lifeline.Rules.Anomaly;

/// <summary>
/// The alarm kinds the anomaly detectors produce. They are used as <see cref="Domain.Alarms.ThresholdRule.Kind"/>
/// and, prefixed with <c>anomaly.</c>, as the rule id of the synthetic rule (see <see cref="AnomalyRuleFactory"/>).
/// </summary>
public static class AnomalyKinds
{
    /// <summary>A value outside the channel's physical (instrument) range.</summary>
    public const string SensorFault = "sensor_fault";

    /// <summary>|Δvalue/Δt| above the sensor type's limit.</summary>
    public const string RateOfChange = "rate_of_change";

    /// <summary>A single reading far from its neighbours that returns on the next sample.</summary>
    public const string Spike = "spike";

    /// <summary>A value that has not changed for too many readings or too long (stuck sensor).</summary>
    public const string Flatline = "flatline";

    /// <summary>The EWMA of the value left its control limits (a small sustained shift).</summary>
    public const string Drift = "drift";

    /// <summary>No data from a device for a multiple of its expected interval.</summary>
    public const string DeviceOffline = "device_offline";

    /// <summary>The device's message counter jumped: messages were lost.</summary>
    public const string SeqGap = "seq_gap";

    /// <summary>A command channel's feedback did not follow within its timeout.</summary>
    public const string CommandMismatch = "command_mismatch";

    /// <summary>Every kind, in the order the engine evaluates them.</summary>
    public static IReadOnlyList<string> All { get; } =
        [DeviceOffline, SeqGap, CommandMismatch, SensorFault, RateOfChange, Spike, Flatline, Drift];
}
