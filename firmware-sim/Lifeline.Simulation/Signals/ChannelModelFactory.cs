using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Signals;

/// <summary>Chooses the normal signal of each channel: base level per quantity, daily cycle, noise and alarm-free band.</summary>
internal static class ChannelModelFactory
{
    public static ChannelModel Create(AssetRegistry registry, Device device, Channel channel, ulong deviceKey, string? stationKind)
    {
        var key = StableHash.Combine(deviceKey, channel.Name);
        var quantity = QuantityOf(channel);
        var spread = StableHash.Signed(StableHash.Combine(key, "offset"));
        var (lower, upper, highest) = AlarmBand(registry, device, channel);
        var span = Math.Max(channel.Max - channel.Min, 1e-9);
        var influent = stationKind?.Contains("influent", StringComparison.OrdinalIgnoreCase) == true
            || channel.Type.Id.EndsWith("_in", StringComparison.Ordinal);
        var band = double.IsFinite(lower) && double.IsFinite(upper) && upper > lower ? upper - lower : double.NaN;
        var isPlant = device.Location.SiteKind == SiteKind.SewagePlant;
        var cabin = device.Location.CabinType;

        // Base level, device-to-device spread, half daily swing, peak hour, slow noise, reading noise.
        (double Mean, double Spread, double Daily, double Peak, double Noise, double White) p = quantity switch
        {
            "o2" => (20.9, 0.08, 0.03, 15, 0.04, 0.02),
            "ch4" or "lel" => (0.3, 0.25, 0.05, 15, 0.15, 0.08),
            "h2s" => cabin == CabinType.Sewage ? (0.5, 0.2, 0.1, 15, 0.15, 0.08) : (0.15, 0.1, 0.03, 15, 0.08, 0.04),
            "temp" when isPlant => (18, 1, 0.8, 16, 0.1, 0.02),
            "temp" => (cabin == CabinType.Power ? 22 : 20.8, 0.8, 1.6, 15, 0.25, 0.05),
            "rh" => (70, 4, 4, 4, 0.8, 0.2),
            "cod" => influent ? (250, 30, 40, 11, 8, 2) : (22, 4, 3, 14, 1.5, 0.3),
            "bod" or "bod5" => influent ? (130, 15, 20, 11, 5, 1) : (5, 1, 0.5, 14, 0.4, 0.1),
            "nh3n" => influent ? (28, 3, 4, 11, 1, 0.3) : (1.0, 0.3, 0.3, 14, 0.15, 0.03),
            "tn" => influent ? (38, 4, 4, 11, 1.5, 0.3) : (8, 1.5, 1, 14, 0.5, 0.1),
            "tp" => influent ? (4, 0.5, 0.6, 11, 0.2, 0.05) : (0.2, 0.05, 0.03, 14, 0.02, 0.005),
            "ss" => influent ? (160, 20, 30, 11, 8, 2) : (4, 1, 0.8, 14, 0.4, 0.1),
            "ph" => influent ? (7.5, 0.2, 0.1, 11, 0.05, 0.02) : (7.2, 0.15, 0.08, 14, 0.04, 0.01),
            "do" => stationKind?.Contains("aerat", StringComparison.OrdinalIgnoreCase) == true
                ? (2.0, 0.2, 0.2, 14, 0.15, 0.05)
                : (5.0, 0.5, 0.4, 14, 0.2, 0.05),
            "mlss" => (3500, 300, 100, 14, 60, 10),
            "orp" => (80, 30, 15, 14, 8, 2),
            "filter_dp" => (channel.Min + Math.Min(0.1 * span, 0.4 * (upper - channel.Min)), 0.02 * span, 0.005 * span, 20, 0.005 * span, 0.001 * span),
            "flow" => (channel.Min + (0.5 * span), 0.05 * span, 0.12 * span, 11, 0.02 * span, 0.005 * span),
            _ when IsValve(quantity) => (channel.Min + (0.5 * span), 0.1 * span, 0.03 * span, 11, 0.01 * span, 0.002 * span),
            _ when IsPressure(channel, quantity) && !double.IsNaN(band) => (lower + (band / 2), 0.05 * band, 0.03 * band, 20, 0.05 * band, 0.01 * band),
            _ when IsPressure(channel, quantity) => PressureProfile(PressureMean(channel, upper, stationKind)),
            _ when quantity.Contains("flow", StringComparison.Ordinal) => (channel.Min + (0.4 * span), 0.05 * span, 0.1 * span, 11, 0.02 * span, 0.005 * span),
            _ => (channel.Min + (0.4 * span), 0.05 * span, 0.02 * span, 15, 0.02 * span, 0.005 * span),
        };

        // A normal signal never raises an alarm: keep it a margin inside the tightest limits.
        var margin = Math.Max(Math.Min(0.02 * span, double.IsNaN(band) ? double.PositiveInfinity : 0.2 * band), 1e-6);
        var phaseHash = StableHash.Combine(key, "cycle");
        var isSump = quantity == "level" && device.TryGetChannel("pump1_run", out _);
        var sumpFloor = channel.Min + (0.08 * span);
        var sumpPeak = Math.Min(channel.Min + (0.45 * span), upper - margin);
        var flood = highest is { } hh ? Math.Max(hh * 1.05, hh + (0.02 * span)) : channel.Min + (0.9 * span);
        return new ChannelModel
        {
            Channel = channel,
            Quantity = quantity,
            Key = key,
            Mean = p.Mean + (p.Spread * spread),
            DailyAmplitude = p.Daily,
            DailyPeakHour = p.Peak,
            Noise = p.Noise,
            White = p.White,
            Lower = lower + margin,
            Upper = upper - margin,
            IsSump = isSump,
            SumpFloor = sumpFloor,
            SumpPeak = Math.Max(sumpPeak, sumpFloor),
            FloodLevel = Math.Min(flood, channel.Min + (0.98 * span)),
            FillSeconds = 1200 + (1200 * StableHash.Unit(phaseHash)),
            DrainSeconds = 180,
            CyclePhase = 3600 * StableHash.Unit(StableHash.Mix(phaseHash)),
        };
    }

    /// <summary>The quantity a channel measures: its name when known (channels are named after quantities), else the sensor type id.</summary>
    internal static string QuantityOf(Channel channel)
    {
        var name = channel.Name.ToLowerInvariant();
        return name switch
        {
            "o2" or "ch4" or "lel" or "h2s" or "temp" or "rh" or "level" or "cod" or "bod" or "bod5" or "nh3n" or "tn" or "tp" or "ss" or "ph" or "do" or "flow" => name,
            _ when name.StartsWith("flow", StringComparison.Ordinal) => "flow",
            _ => channel.Type.Id.ToLowerInvariant() switch
            {
                "o2" or "ch4" or "lel" or "h2s" or "temp" or "rh" or "level" or "cod" or "nh3n" or "tn" or "tp" or "ss" or "ph" or "do" or "flow" => channel.Type.Id.ToLowerInvariant(),
                _ => name,
            },
        };
    }

    private static bool IsValve(string quantity) => quantity.Contains("valve", StringComparison.Ordinal);

    private static bool IsPressure(Channel channel, string quantity) =>
        quantity.Contains("press", StringComparison.Ordinal) || quantity.StartsWith("p_", StringComparison.Ordinal)
        || channel.Type.Id.Contains("press", StringComparison.OrdinalIgnoreCase)
        || channel.Unit is "MPa" or "kPa" or "Pa" or "bar";

    private static (double, double, double, double, double, double) PressureProfile(double mean) =>
        (mean, 0.04 * mean, 0.02 * mean, 20, 0.01 * mean, 0.002 * mean);

    /// <summary>
    /// Gas pressures without a set-point band: three quarters of the class ceiling when a high rule gives it; else a
    /// regulator's inlet sits in the medium-A class (0.2–0.4 MPa) and a gate station's mid-range of its instrument.
    /// </summary>
    private static double PressureMean(Channel channel, double upper, string? stationKind)
    {
        if (double.IsFinite(upper) && upper > channel.Min)
        {
            return channel.Min + (0.75 * (upper - channel.Min));
        }

        var mid = channel.Min + (0.5 * (channel.Max - channel.Min));
        return stationKind == "regulator" && channel.Unit == "MPa" ? Math.Min(0.3, channel.Min + (0.75 * (channel.Max - channel.Min))) : mid;
    }

    /// <summary>
    /// Lowest applicable high limit, highest applicable low limit, and the highest high limit (for the flood level), with
    /// the overrides of rules.yaml for the device's place.
    /// </summary>
    private static (double Lower, double Upper, double? Highest) AlarmBand(AssetRegistry registry, Device device, Channel channel)
    {
        var lower = double.NegativeInfinity;
        var upper = double.PositiveInfinity;
        double? highest = null;
        foreach (var defined in registry.Rules)
        {
            if (!string.Equals(defined.SensorType, channel.Type.Id, StringComparison.Ordinal) || registry.RuleSet.Resolve(defined, device) is not { } rule)
            {
                continue;
            }

            switch (rule.Direction)
            {
                case ThresholdDirection.High:
                    upper = Math.Min(upper, rule.Limit);
                    highest = Math.Max(highest ?? double.NegativeInfinity, rule.Limit);
                    break;
                case ThresholdDirection.Low:
                    lower = Math.Max(lower, rule.Limit);
                    break;
                default:
                    break;
            }
        }

        return (lower, upper, highest);
    }
}
