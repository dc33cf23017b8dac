namespace Lifeline.Rules.Anomaly;

/// <summary>
/// What every detector's settings share. Every property is nullable: <see langword="null"/> inherits, in this order,
/// from the sensor type's override, then <see cref="AnomalyOptions.Defaults"/>, then the built-in default named in each
/// property's documentation. The built-in figures are [M] starting values (domain.md §6): tune them with data.
/// </summary>
public abstract class DetectorSettings
{
    /// <summary>Whether the detector runs at all. Built-in: true.</summary>
    public bool? Enabled { get; set; }

    /// <summary>Hysteresis: consecutive samples on which the clear condition must hold before the anomaly clears (≥ 1).</summary>
    public int? ClearSamples { get; set; }

    /// <summary>Hysteresis: how long the clear condition must hold (from its first clean sample) before the anomaly clears. Built-in: zero.</summary>
    public TimeSpan? ClearDuration { get; set; }
}

/// <summary>Out of physical range (<see cref="AnomalyKinds.SensorFault"/>): the value is outside the channel's Min/Max.</summary>
public sealed class SensorFaultSettings : DetectorSettings
{
}

/// <summary>Rate of change (<see cref="AnomalyKinds.RateOfChange"/>): |Δvalue/Δt| above a limit. Analog channels only.</summary>
public sealed class RateOfChangeSettings : DetectorSettings
{
    /// <summary>The limit in the channel's unit per second. When unset it is <see cref="MaxSpanFractionPerSecond"/> × span.</summary>
    public double? MaxRatePerSecond { get; set; }

    /// <summary>The limit as a fraction of the channel's span (Max − Min) per second. Built-in: 0.1 (illustrative).</summary>
    public double? MaxSpanFractionPerSecond { get; set; }
}

/// <summary>
/// Spike (<see cref="AnomalyKinds.Spike"/>): a reading whose robust z-score against the previous
/// <see cref="Window"/> readings (median, 1.4826 × MAD) exceeds <see cref="Threshold"/> and which is followed by a reading
/// back near that median. A level shift (the next reading stays away) is not a spike. Analog channels only.
/// The raise is reported when the return is seen, dated at the spike's own timestamp.
/// </summary>
public sealed class SpikeSettings : DetectorSettings
{
    /// <summary>Readings before the candidate that form the reference (3–256). Built-in: 15.</summary>
    public int? Window { get; set; }

    /// <summary>Robust z-score above which a reading is a spike candidate. Built-in: 6.</summary>
    public double? Threshold { get; set; }

    /// <summary>Robust z-score below which the next reading counts as "returned". Built-in: 3.</summary>
    public double? ReturnThreshold { get; set; }

    /// <summary>Smallest |value − median| that can be a spike, in the channel's unit (guards flat, quantised signals). Unset: <see cref="MinDeviationSpanFraction"/> × span.</summary>
    public double? MinDeviation { get; set; }

    /// <summary>The smallest spike as a fraction of the channel's span. Built-in: 0.02.</summary>
    public double? MinDeviationSpanFraction { get; set; }
}

/// <summary>
/// Flat line / stuck sensor (<see cref="AnomalyKinds.Flatline"/>): the value stayed within <see cref="Epsilon"/> of the
/// first value of the run for <see cref="Readings"/> further readings, or for <see cref="Duration"/>, whichever comes first
/// (zero disables a criterion). Clears once <see cref="DetectorSettings.ClearSamples"/> readings differ from the stuck value.
/// Analog channels only.
/// </summary>
public sealed class FlatlineSettings : DetectorSettings
{
    /// <summary>Largest |value − run start| that still counts as unchanged, in the channel's unit. Built-in: 1e-9.</summary>
    public double? Epsilon { get; set; }

    /// <summary>Unchanged readings after the first one of the run that raise it; 0 disables. Built-in: 0 (time-based only).</summary>
    public int? Readings { get; set; }

    /// <summary>How long the value may stay unchanged; zero disables. Built-in: 1 h (QARTOD "suspect" pattern, [M] window).</summary>
    public TimeSpan? Duration { get; set; }

    /// <summary>
    /// The type normally reads zero (CH₄, H₂S, combustible gas, leak detectors): a run near zero (within
    /// <see cref="ZeroBandSpanFraction"/> × span) never raises; a run stuck elsewhere still does. Built-in: false.
    /// </summary>
    public bool? NormallyZero { get; set; }

    /// <summary>How close to zero counts as "reading zero", as a fraction of the span. Built-in: 0.01.</summary>
    public double? ZeroBandSpanFraction { get; set; }
}

/// <summary>
/// EWMA drift (<see cref="AnomalyKinds.Drift"/>): z = λx + (1 − λ)z, alarm when |z − target| exceeds
/// max(L·σ·√(λ/(2 − λ)), MinShift) (asymptotic limits). Target and σ come from the first <see cref="WarmupSamples"/> readings
/// unless configured. Analog channels only.
/// </summary>
public sealed class DriftSettings : DetectorSettings
{
    /// <summary>EWMA weight λ in (0, 1]. Built-in: 0.2 (Roberts 1959).</summary>
    public double? Lambda { get; set; }

    /// <summary>Control-limit width L in σ of the EWMA. Built-in: 3.</summary>
    public double? ControlLimitSigmas { get; set; }

    /// <summary>Readings used to estimate target and σ when they are not configured (≥ 2). Built-in: 120.</summary>
    public int? WarmupSamples { get; set; }

    /// <summary>Configured in-control mean, in the channel's unit; unset: the warm-up mean.</summary>
    public double? Target { get; set; }

    /// <summary>Configured process σ, in the channel's unit; unset: the warm-up standard deviation.</summary>
    public double? Sigma { get; set; }

    /// <summary>Smallest control-limit half-width, in the channel's unit (keeps very quiet sensors from alarming on irrelevant shifts). Unset: <see cref="MinShiftSpanFraction"/> × span.</summary>
    public double? MinShift { get; set; }

    /// <summary>The smallest limit half-width as a fraction of the span. Built-in: 0.01.</summary>
    public double? MinShiftSpanFraction { get; set; }
}

/// <summary>The per-channel detectors' settings for one sensor type (or the defaults for all of them).</summary>
public sealed class SensorTypeAnomalySettings
{
    /// <summary>Out of physical range.</summary>
    public SensorFaultSettings SensorFault { get; set; } = new();

    /// <summary>Rate of change.</summary>
    public RateOfChangeSettings RateOfChange { get; set; } = new();

    /// <summary>Spike.</summary>
    public SpikeSettings Spike { get; set; } = new();

    /// <summary>Flat line / stuck.</summary>
    public FlatlineSettings Flatline { get; set; } = new();

    /// <summary>EWMA drift.</summary>
    public DriftSettings Drift { get; set; } = new();
}

/// <summary>
/// Device offline (<see cref="AnomalyKinds.DeviceOffline"/>): no reading for
/// max(<see cref="IntervalFactor"/> × the device's expected interval, <see cref="MinTimeout"/>), checked by the timer pass.
/// Clears on the next reading (with the usual hysteresis, counted in readings).
/// </summary>
public sealed class DeviceOfflineSettings : DetectorSettings
{
    /// <summary>Multiple of <see cref="Domain.Assets.Device.ExpectedInterval"/> without data. Built-in: 3 ([M] rule of thumb).</summary>
    public double? IntervalFactor { get; set; }

    /// <summary>Floor of the timeout. Built-in: zero.</summary>
    public TimeSpan? MinTimeout { get; set; }

    /// <summary>
    /// A device never heard from counts from the first timer pass, so it goes offline max(timeout,
    /// <see cref="StartupGrace"/>) after the engine starts. False: a device is supervised from its first sign of life
    /// (a reading, or an <c>online</c> status through <see cref="AnomalyEngine.DeviceSeen"/>) on. Built-in: true.
    /// </summary>
    public bool? IncludeNeverSeen { get; set; }

    /// <summary>
    /// With <see cref="IncludeNeverSeen"/>: how long after the first timer pass a device never heard from may stay
    /// silent before it is offline (at least the device's timeout), so devices that start later than the platform
    /// (polled ones, a fleet reconnecting after a restart) are not reported. Also the time every device gets after
    /// <see cref="AnomalyEngine.ResumeOffline"/> (the platform's own broker connection came back). Built-in: zero
    /// (the timeout alone).
    /// </summary>
    public TimeSpan? StartupGrace { get; set; }
}

/// <summary>
/// Sequence gaps (<see cref="AnomalyKinds.SeqGap"/>): the device's message counter jumped by more than one.
/// Readings with the same seq are one message. Clears after <see cref="DetectorSettings.ClearSamples"/> clean messages
/// (built-in: 10).
/// </summary>
public sealed class SeqGapSettings : DetectorSettings
{
    /// <summary>Smallest number of lost messages that raises. Built-in: 1.</summary>
    public int? MinGap { get; set; }

    /// <summary>A seq that goes back to this value or lower is a device restart, not a gap. Built-in: 10.</summary>
    public long? ResetMaxSeq { get; set; }

    /// <summary>
    /// A seq that goes back by at most this much is a late or duplicated message (QoS 1 redelivery) and is ignored; going
    /// back further is also taken as a restart. Built-in: 1000.
    /// </summary>
    public long? ReorderWindow { get; set; }
}

/// <summary>
/// Command/feedback mismatch (<see cref="AnomalyKinds.CommandMismatch"/>): a boolean command channel changed and its
/// feedback channel did not follow within the timeout. Clears once they agree again.
/// </summary>
public sealed class CommandMismatchSettings : DetectorSettings
{
    /// <summary>How long the feedback may lag the command. Built-in: 30 s ([M], fan start-up).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Also alarm when commanded off but the feedback stays on. Built-in: true.</summary>
    public bool? CheckOff { get; set; }

    /// <summary>The command/feedback pairs. Built-in: none (the Baoshan kits have no command channels yet).</summary>
    public IList<CommandFeedbackPair> Pairs { get; } = new List<CommandFeedbackPair>();
}

/// <summary>One command channel and the feedback channel that must follow it, e.g. <c>fan1_cmd</c> → <c>fan1_run</c>.</summary>
public sealed class CommandFeedbackPair
{
    /// <summary>Channel name of the command (boolean; ≥ 0.5 is on).</summary>
    public string CommandChannel { get; set; } = string.Empty;

    /// <summary>Channel name of the feedback (boolean; ≥ 0.5 is on).</summary>
    public string FeedbackChannel { get; set; } = string.Empty;

    /// <summary>Only devices of this model; unset or empty: any model that has both channels.</summary>
    public string? DeviceModel { get; set; }

    /// <summary>Only when the command channel has this sensor type id; unset or empty: any type.</summary>
    public string? SensorType { get; set; }

    /// <summary>Overrides <see cref="CommandMismatchSettings.Timeout"/> for this pair.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Overrides <see cref="CommandMismatchSettings.CheckOff"/> for this pair.</summary>
    public bool? CheckOff { get; set; }
}
