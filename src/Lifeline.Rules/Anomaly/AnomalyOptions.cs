using Lifeline.Domain.Alarms;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// Configuration of the anomaly detectors: defaults per detector, overrides per sensor type, device-level detectors and
/// the alarm priority and message per kind. Shaped for <c>Microsoft.Extensions.Configuration</c> binding (or a seeds YAML):
/// a new instance already holds the built-in defaults, and binding changes only the keys it names.
/// </summary>
public sealed class AnomalyOptions
{
    /// <summary>Creates options holding the built-in defaults and the built-in sensor-type overrides.</summary>
    public AnomalyOptions()
    {
        Defaults = BuiltInDefaults();
        foreach (var normallyZero in NormallyZeroTypes)
        {
            SensorTypes[normallyZero] = new SensorTypeAnomalySettings { Flatline = { NormallyZero = true } };
        }

        foreach (var (kind, priority, message) in BuiltInAlarms)
        {
            Alarms[kind] = new AnomalyAlarmSettings { Priority = priority, Message = message };
        }
    }

    /// <summary>Sensor types that read zero in normal operation; the built-in overrides mark them <see cref="FlatlineSettings.NormallyZero"/>.</summary>
    public static IReadOnlyList<string> NormallyZeroTypes { get; } = ["ch4", "h2s", "lel"];

    /// <summary>Settings of the per-channel detectors for every sensor type without an override.</summary>
    public SensorTypeAnomalySettings Defaults { get; set; }

    /// <summary>Overrides by sensor type id (<c>o2</c>, <c>ch4</c>, …): a property left unset inherits from <see cref="Defaults"/>.</summary>
    public Dictionary<string, SensorTypeAnomalySettings> SensorTypes { get; } = new(StringComparer.Ordinal);

    /// <summary>The device-offline detector.</summary>
    public DeviceOfflineSettings DeviceOffline { get; set; } = new()
    {
        Enabled = true, ClearSamples = 1, ClearDuration = TimeSpan.Zero, IntervalFactor = 3, MinTimeout = TimeSpan.Zero, IncludeNeverSeen = true,
        StartupGrace = TimeSpan.Zero,
    };

    /// <summary>The sequence-gap detector.</summary>
    public SeqGapSettings SeqGap { get; set; } = new()
    {
        Enabled = true, ClearSamples = 10, ClearDuration = TimeSpan.Zero, MinGap = 1, ResetMaxSeq = 10, ReorderWindow = 1000,
    };

    /// <summary>The command/feedback mismatch detector and its pairs.</summary>
    public CommandMismatchSettings CommandMismatch { get; set; } = new()
    {
        Enabled = true, ClearSamples = 1, ClearDuration = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30), CheckOff = true,
    };

    /// <summary>Priority and message of the alarm each kind becomes, keyed by kind (<see cref="AnomalyKinds"/>).</summary>
    public Dictionary<string, AnomalyAlarmSettings> Alarms { get; } = new(StringComparer.Ordinal);

    /// <summary>Returns the override of a sensor type, creating an empty one (which inherits everything) when missing.</summary>
    public SensorTypeAnomalySettings ForSensorType(string sensorTypeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sensorTypeId);
        if (!SensorTypes.TryGetValue(sensorTypeId, out var settings))
        {
            settings = new SensorTypeAnomalySettings();
            SensorTypes[sensorTypeId] = settings;
        }

        return settings;
    }

    internal static readonly (string Kind, AlarmPriority Priority, string Message)[] BuiltInAlarms =
    [
        (AnomalyKinds.SensorFault, AlarmPriority.Medium, "Sensor fault: value outside the instrument range"),
        (AnomalyKinds.RateOfChange, AlarmPriority.Medium, "Implausible rate of change"),
        (AnomalyKinds.Spike, AlarmPriority.Low, "Spike: one reading far from its neighbours"),
        (AnomalyKinds.Flatline, AlarmPriority.Low, "Sensor stuck: value has not changed"),
        (AnomalyKinds.Drift, AlarmPriority.Low, "Sensor drift: EWMA outside its control limits"),
        (AnomalyKinds.DeviceOffline, AlarmPriority.Medium, "Device offline: no data"),
        (AnomalyKinds.SeqGap, AlarmPriority.Low, "Messages lost: sequence gap"),
        (AnomalyKinds.CommandMismatch, AlarmPriority.High, "Equipment did not follow its command"),
    ];

    /// <summary>The built-in defaults as a fully populated settings object (a fresh copy each call).</summary>
    public static SensorTypeAnomalySettings BuiltInDefaults() => new()
    {
        SensorFault = { Enabled = true, ClearSamples = 3, ClearDuration = TimeSpan.Zero },
        RateOfChange = { Enabled = true, ClearSamples = 3, ClearDuration = TimeSpan.Zero, MaxSpanFractionPerSecond = 0.1 },
        Spike =
        {
            Enabled = true, ClearSamples = 3, ClearDuration = TimeSpan.Zero, Window = 15, Threshold = 6, ReturnThreshold = 3,
            MinDeviationSpanFraction = 0.02,
        },
        Flatline =
        {
            Enabled = true, ClearSamples = 3, ClearDuration = TimeSpan.Zero, Epsilon = 1e-9, Readings = 0,
            Duration = TimeSpan.FromHours(1), NormallyZero = false, ZeroBandSpanFraction = 0.01,
        },
        Drift =
        {
            Enabled = true, ClearSamples = 5, ClearDuration = TimeSpan.Zero, Lambda = 0.2, ControlLimitSigmas = 3,
            WarmupSamples = 120, MinShiftSpanFraction = 0.01,
        },
    };
}

/// <summary>How one anomaly kind is shown as an alarm.</summary>
public sealed class AnomalyAlarmSettings
{
    /// <summary>The alarm priority. Unset: <see cref="AlarmPriority.Low"/>.</summary>
    public AlarmPriority? Priority { get; set; }

    /// <summary>Operator text of the alarm. Unset: the kind.</summary>
    public string? Message { get; set; }
}
