using Lifeline.Domain.Assets;

namespace Lifeline.Rules.Anomaly;

/// <summary>Hysteresis of a clear: the condition must hold on <see cref="Samples"/> consecutive samples and for <see cref="Duration"/>.</summary>
internal readonly record struct ClearPolicy(int Samples, TimeSpan Duration);

internal sealed record SensorFaultConfig(bool Enabled, ClearPolicy Clear);

internal sealed record RateOfChangeConfig(bool Enabled, ClearPolicy Clear, double MaxRatePerSecond);

internal sealed record SpikeConfig(bool Enabled, ClearPolicy Clear, int Window, double Threshold, double ReturnThreshold, double MinDeviation);

internal sealed record FlatlineConfig(bool Enabled, ClearPolicy Clear, double Epsilon, int Readings, TimeSpan Duration, bool NormallyZero, double ZeroBand);

internal sealed record DriftConfig(bool Enabled, ClearPolicy Clear, double Lambda, double ControlLimitSigmas, int WarmupSamples, double? Target, double? Sigma, double MinShift);

internal sealed record DeviceOfflineConfig(bool Enabled, ClearPolicy Clear, double IntervalFactor, TimeSpan MinTimeout, bool IncludeNeverSeen, TimeSpan StartupGrace);

internal sealed record SeqGapConfig(bool Enabled, ClearPolicy Clear, int MinGap, long ResetMaxSeq, long ReorderWindow);

internal sealed record CommandMismatchConfig(bool Enabled, ClearPolicy Clear, TimeSpan Timeout, bool CheckOff);

/// <summary>
/// Merges sensor-type override → <see cref="AnomalyOptions.Defaults"/> → built-in defaults and validates the result.
/// Span-relative figures are turned into absolute ones with the channel's own range.
/// </summary>
internal static class AnomalySettingsResolver
{
    private static readonly SensorTypeAnomalySettings BuiltIn = AnomalyOptions.BuiltInDefaults();
    private static readonly AnomalyOptions BuiltInOptions = new();

    public static SensorFaultConfig SensorFault(AnomalyOptions options, Channel channel)
    {
        var (o, d, b) = Layers(options, channel, static s => s.SensorFault);
        return new SensorFaultConfig(Enabled(o, d, b), Clear(o, d, b, "SensorFault"));
    }

    public static RateOfChangeConfig RateOfChange(AnomalyOptions options, Channel channel)
    {
        var (o, d, b) = Layers(options, channel, static s => s.RateOfChange);
        var max = o?.MaxRatePerSecond ?? d.MaxRatePerSecond
            ?? Span(channel) * (o?.MaxSpanFractionPerSecond ?? d.MaxSpanFractionPerSecond ?? b.MaxSpanFractionPerSecond!.Value);
        Require(max > 0, "RateOfChange", channel, "the rate limit must be positive");
        return new RateOfChangeConfig(Enabled(o, d, b), Clear(o, d, b, "RateOfChange"), max);
    }

    public static SpikeConfig Spike(AnomalyOptions options, Channel channel)
    {
        var (o, d, b) = Layers(options, channel, static s => s.Spike);
        var window = o?.Window ?? d.Window ?? b.Window!.Value;
        var threshold = o?.Threshold ?? d.Threshold ?? b.Threshold!.Value;
        var returnThreshold = o?.ReturnThreshold ?? d.ReturnThreshold ?? b.ReturnThreshold!.Value;
        var minDeviation = o?.MinDeviation ?? d.MinDeviation
            ?? Span(channel) * (o?.MinDeviationSpanFraction ?? d.MinDeviationSpanFraction ?? b.MinDeviationSpanFraction!.Value);
        Require(window is >= 3 and <= SpikeDetector.MaxWindow, "Spike", channel, "Window must be 3–256");
        Require(threshold > 0 && returnThreshold > 0, "Spike", channel, "thresholds must be positive");
        Require(minDeviation >= 0, "Spike", channel, "MinDeviation must not be negative");
        return new SpikeConfig(Enabled(o, d, b), Clear(o, d, b, "Spike"), window, threshold, returnThreshold, minDeviation);
    }

    public static FlatlineConfig Flatline(AnomalyOptions options, Channel channel)
    {
        var (o, d, b) = Layers(options, channel, static s => s.Flatline);
        var epsilon = o?.Epsilon ?? d.Epsilon ?? b.Epsilon!.Value;
        var readings = o?.Readings ?? d.Readings ?? b.Readings!.Value;
        var duration = o?.Duration ?? d.Duration ?? b.Duration!.Value;
        var zeroBand = Span(channel) * (o?.ZeroBandSpanFraction ?? d.ZeroBandSpanFraction ?? b.ZeroBandSpanFraction!.Value);
        Require(epsilon >= 0 && readings >= 0 && duration >= TimeSpan.Zero && zeroBand >= 0, "Flatline", channel, "figures must not be negative");
        return new FlatlineConfig(
            Enabled(o, d, b) && (readings > 0 || duration > TimeSpan.Zero), Clear(o, d, b, "Flatline"), epsilon, readings, duration,
            o?.NormallyZero ?? d.NormallyZero ?? b.NormallyZero!.Value, zeroBand);
    }

    public static DriftConfig Drift(AnomalyOptions options, Channel channel)
    {
        var (o, d, b) = Layers(options, channel, static s => s.Drift);
        var lambda = o?.Lambda ?? d.Lambda ?? b.Lambda!.Value;
        var sigmas = o?.ControlLimitSigmas ?? d.ControlLimitSigmas ?? b.ControlLimitSigmas!.Value;
        var warmup = o?.WarmupSamples ?? d.WarmupSamples ?? b.WarmupSamples!.Value;
        var target = o?.Target ?? d.Target;
        var sigma = o?.Sigma ?? d.Sigma;
        var minShift = o?.MinShift ?? d.MinShift ?? Span(channel) * (o?.MinShiftSpanFraction ?? d.MinShiftSpanFraction ?? b.MinShiftSpanFraction!.Value);
        Require(lambda is > 0 and <= 1, "Drift", channel, "Lambda must be in (0, 1]");
        Require(sigmas > 0 && minShift >= 0, "Drift", channel, "ControlLimitSigmas must be positive and MinShift not negative");
        Require(sigma is null or >= 0, "Drift", channel, "Sigma must not be negative");
        Require(warmup >= 2 || (target is not null && sigma is not null), "Drift", channel, "WarmupSamples must be at least 2");
        return new DriftConfig(Enabled(o, d, b), Clear(o, d, b, "Drift"), lambda, sigmas, warmup, target, sigma, minShift);
    }

    public static DeviceOfflineConfig DeviceOffline(AnomalyOptions options)
    {
        var s = options.DeviceOffline ?? BuiltInOptions.DeviceOffline;
        var b = BuiltInOptions.DeviceOffline;
        var factor = s.IntervalFactor ?? b.IntervalFactor!.Value;
        var grace = s.StartupGrace ?? b.StartupGrace!.Value;
        Require(factor > 0, "DeviceOffline", null, "IntervalFactor must be positive");
        Require(grace >= TimeSpan.Zero, "DeviceOffline", null, "StartupGrace must not be negative");
        return new DeviceOfflineConfig(
            s.Enabled ?? b.Enabled!.Value, Clear(s, b, "DeviceOffline"), factor, s.MinTimeout ?? b.MinTimeout!.Value,
            s.IncludeNeverSeen ?? b.IncludeNeverSeen!.Value, grace);
    }

    public static SeqGapConfig SeqGap(AnomalyOptions options)
    {
        var s = options.SeqGap ?? BuiltInOptions.SeqGap;
        var b = BuiltInOptions.SeqGap;
        var minGap = s.MinGap ?? b.MinGap!.Value;
        var reorder = s.ReorderWindow ?? b.ReorderWindow!.Value;
        Require(minGap >= 1 && reorder >= 0, "SeqGap", null, "MinGap must be at least 1 and ReorderWindow not negative");
        return new SeqGapConfig(s.Enabled ?? b.Enabled!.Value, Clear(s, b, "SeqGap"), minGap, s.ResetMaxSeq ?? b.ResetMaxSeq!.Value, reorder);
    }

    public static CommandMismatchConfig CommandMismatch(AnomalyOptions options, CommandFeedbackPair pair)
    {
        var s = options.CommandMismatch ?? BuiltInOptions.CommandMismatch;
        var b = BuiltInOptions.CommandMismatch;
        var timeout = pair.Timeout ?? s.Timeout ?? b.Timeout!.Value;
        Require(timeout >= TimeSpan.Zero, "CommandMismatch", null, "Timeout must not be negative");
        return new CommandMismatchConfig(
            s.Enabled ?? b.Enabled!.Value, Clear(s, b, "CommandMismatch"), timeout, pair.CheckOff ?? s.CheckOff ?? b.CheckOff!.Value);
    }

    private static (T? Override, T Defaults, T BuiltIn) Layers<T>(AnomalyOptions options, Channel channel, Func<SensorTypeAnomalySettings, T?> select)
        where T : DetectorSettings
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channel);
        var builtIn = select(BuiltIn)!;
        var defaults = options.Defaults is { } d ? select(d) ?? builtIn : builtIn;
        var typeOverride = options.SensorTypes.TryGetValue(channel.Type.Id, out var t) && t is not null ? select(t) : null;
        return (typeOverride, defaults, builtIn);
    }

    private static bool Enabled(DetectorSettings? o, DetectorSettings d, DetectorSettings b) => o?.Enabled ?? d.Enabled ?? b.Enabled!.Value;

    private static ClearPolicy Clear(DetectorSettings? o, DetectorSettings d, DetectorSettings b, string detector)
    {
        var samples = o?.ClearSamples ?? d.ClearSamples ?? b.ClearSamples!.Value;
        var duration = o?.ClearDuration ?? d.ClearDuration ?? b.ClearDuration!.Value;
        Require(samples >= 1 && duration >= TimeSpan.Zero, detector, null, "ClearSamples must be at least 1 and ClearDuration not negative");
        return new ClearPolicy(samples, duration);
    }

    private static ClearPolicy Clear(DetectorSettings s, DetectorSettings b, string detector) => Clear(null, s, b, detector);

    private static double Span(Channel channel) => channel.Max - channel.Min;

    private static void Require(bool condition, string detector, Channel? channel, string message)
    {
        if (!condition)
        {
            var where = channel is null ? detector : $"{detector} (sensor type {channel.Type.Id}, channel {channel.Name})";
            throw new InvalidOperationException($"Anomaly options, {where}: {message}.");
        }
    }
}
