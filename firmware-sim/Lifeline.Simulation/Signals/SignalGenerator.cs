using System.Collections.Concurrent;
using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;

namespace Lifeline.Simulation.Signals;

/// <summary>
/// Pure, deterministic device signals: every value is a function of (seed, device id, channel, simulated time) and the
/// scenario schedule — no state between calls and no wall-clock randomness. Values are always inside the channel's
/// physical range; without scenarios they also stay inside the registry's alarm limits.
/// </summary>
public sealed class SignalGenerator
{
    /// <summary>Baoshan local time (UTC+8) drives the daily cycle.</summary>
    private const double LocalOffsetSeconds = 8 * 3600;

    /// <summary>Default of <see cref="VentilationTimeConstant"/>.</summary>
    public static readonly TimeSpan DefaultVentilationTimeConstant = TimeSpan.FromSeconds(60);

    private readonly AssetRegistry _registry;
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, ChannelModel>> _models = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _stationKinds;
    private readonly Dictionary<string, IReadOnlyList<string>> _zoneDevices;

    public SignalGenerator(AssetRegistry registry, int seed, DateTimeOffset start, ScenarioSchedule? scenarios = null, TimeSpan? ventilationTimeConstant = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        Seed = seed;
        Start = start;
        Scenarios = scenarios ?? ScenarioSchedule.Empty;
        VentilationTimeConstant = ventilationTimeConstant ?? DefaultVentilationTimeConstant;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(VentilationTimeConstant, TimeSpan.Zero, nameof(ventilationTimeConstant));
        _stationKinds = registry.Sites.SelectMany(s => s.Stations).ToDictionary(s => s.Id, s => s.Kind, StringComparer.Ordinal);
        _zoneDevices = registry.Devices
            .Where(d => d.Location.ZoneId is not null)
            .GroupBy(d => d.Location.ZoneId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(d => d.Id).ToArray(), StringComparer.Ordinal);
    }

    /// <summary>
    /// While a fan of the zone runs on command, a gas leak's excess over the background decays by exp(−t_running / this),
    /// t_running counting from the start of the leak's effect on the channel.
    /// </summary>
    public TimeSpan VentilationTimeConstant { get; }

    /// <summary>The commanded state of the devices' equipment (fans, pumps): inputs of the simulation, shared by every transport.</summary>
    public EquipmentState Equipment { get; } = new();

    public int Seed { get; }

    /// <summary>The simulation's time zero: scenario offsets count from here.</summary>
    public DateTimeOffset Start { get; }

    public ScenarioSchedule Scenarios { get; }

    /// <summary>False while a device-offline scenario holds the device.</summary>
    public bool IsOnline(Device device, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(device);
        foreach (var (scenario, target) in Scenarios.EffectsOn(device.Id))
        {
            if (scenario.Kind == ScenarioKind.DeviceOffline && scenario.IsActiveAt(time - Start - target.Delay))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The device's reading at <paramref name="time"/> in channel order (double or bool), or null while it is offline.</summary>
    public IReadOnlyList<KeyValuePair<string, object>>? Sample(Device device, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!IsOnline(device, time))
        {
            return null;
        }

        var values = new KeyValuePair<string, object>[device.Channels.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var channel = device.Channels[i];
            var value = Value(device, channel, time);
            values[i] = new KeyValuePair<string, object>(channel.Name, channel.Kind == ChannelKind.Boolean ? value >= 0.5 : value);
        }

        return values;
    }

    /// <summary>One channel's value at <paramref name="time"/>; boolean channels give 1 or 0.</summary>
    public double Value(Device device, Channel channel, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        var model = ModelsOf(device)[channel.Name];
        if (Equipment.TryGetCommanded(device.Id, channel.Name, time, out var commanded))
        {
            // The equipment obeys its last command (fan1_cmd → fan1_run).
            return channel.Kind == ChannelKind.Boolean ? (commanded >= 0.5 ? 1 : 0) : Math.Clamp(commanded, channel.Min, channel.Max);
        }

        return channel.Kind == ChannelKind.Boolean ? (BooleanValue(device, model, time) ? 1 : 0) : AnalogValue(device, model, time, applyStuck: true);
    }

    private IReadOnlyDictionary<string, ChannelModel> ModelsOf(Device device) =>
        _models.GetOrAdd(device.Id, _ =>
        {
            var deviceKey = StableHash.Of(Seed, device.Id);
            var stationKind = device.Location.StationId is { } st && _stationKinds.TryGetValue(st, out var kind) ? kind : null;
            return device.Channels.ToDictionary(
                c => c.Name,
                c => ChannelModelFactory.Create(_registry, device, c, deviceKey, stationKind),
                StringComparer.Ordinal);
        });

    private double AnalogValue(Device device, ChannelModel m, DateTimeOffset time, bool applyStuck)
    {
        var t = time.ToUnixTimeMilliseconds() / 1000.0;
        var value = m.IsSump ? SumpLevel(m, t) : Normal(m, t);
        var effects = Scenarios.EffectsOn(device.Id);
        foreach (var (scenario, target) in effects)
        {
            if (target.Channel != m.Channel.Name || scenario.Kind == ScenarioKind.StuckSensor)
            {
                continue;
            }

            var e = (time - Start - scenario.Start - target.Delay).TotalSeconds;
            if (e < 0)
            {
                continue;
            }

            var d = scenario.Spec.Duration?.TotalSeconds ?? double.PositiveInfinity;
            value = scenario.Kind switch
            {
                // Exponential approach to the peak (≈ 63 % after 12 s), fading after the end.
                // The zone's running fans then blow the excess out: exp(−t_running/τ).
                ScenarioKind.GasLeak => value + (Envelope(e, d, 45, x => 40 * target.Intensity * (1 - Math.Exp(-x / 12)))
                    * Ventilation(device, time - TimeSpan.FromSeconds(e), time)),

                // Falls to 16.5 %vol along a smooth 8 s ramp.
                ScenarioKind.O2Depletion => value - ((value - 16.5) * Envelope(e, d, 20, x => SmoothStep(x / 8))),

                // Linear rise to the flood level over two minutes.
                ScenarioKind.SumpFlooding => value + ((m.FloodLevel - value) * Envelope(e, d, 120, x => Math.Min(1, x / 120))),

                // Heats towards 62 °C with a one-minute time constant (past 40 °C after ≈ 40 s).
                ScenarioKind.OverheatingCable => value + ((62 - value) * Envelope(e, d, 120, x => 1 - Math.Exp(-x / 60))),
                _ => value,
            };
        }

        if (applyStuck)
        {
            foreach (var (scenario, target) in effects)
            {
                if (scenario.Kind == ScenarioKind.StuckSensor && target.Channel == m.Channel.Name && scenario.IsActiveAt(time - Start))
                {
                    // Frozen at the value the sensor had when it stuck.
                    value = AnalogValue(device, m, Start + scenario.Start, applyStuck: false);
                }
            }
        }

        return Math.Round(Math.Clamp(value, m.Min, m.Max), 4);
    }

    /// <summary>The fraction of a gas excess left by the zone's commanded fans running between <paramref name="from"/> and <paramref name="to"/>.</summary>
    private double Ventilation(Device device, DateTimeOffset from, DateTimeOffset to)
    {
        if (Equipment.Count == 0)
        {
            return 1;
        }

        IReadOnlyList<string> zone = device.Location.ZoneId is { } z && _zoneDevices.TryGetValue(z, out var ids) ? ids : [device.Id];
        var running = Equipment.RunningSeconds(zone, IsFan, from, to);
        return running <= 0 ? 1 : Math.Exp(-running / VentilationTimeConstant.TotalSeconds);
    }

    private static bool IsFan(string channel) => channel.StartsWith("fan", StringComparison.Ordinal) && channel.EndsWith("_run", StringComparison.Ordinal);

    private bool BooleanValue(Device device, ChannelModel m, DateTimeOffset time)
    {
        foreach (var (scenario, target) in Scenarios.EffectsOn(device.Id))
        {
            if (scenario.Kind == ScenarioKind.StuckSensor && target.Channel == m.Channel.Name && scenario.IsActiveAt(time - Start))
            {
                return BooleanNormal(device, m, Start + scenario.Start);
            }
        }

        return BooleanNormal(device, m, time);
    }

    private bool BooleanNormal(Device device, ChannelModel m, DateTimeOffset time)
    {
        var t = time.ToUnixTimeMilliseconds() / 1000.0;
        switch (m.Quantity)
        {
            case "fan1_run":
                // Routine ventilation 10 minutes an hour, and linked to gas, oxygen and heat in the zone.
                return Linkage(device, time) || ((t + (3600 * StableHash.Unit(m.Key))) % 3600) < 600;
            case "fan2_run":
                return Linkage(device, time);
            case "pump1_run":
                return Flooding(device, time) || (ModelsOf(device).Values.FirstOrDefault(c => c.IsSump) is { } sump && IsDraining(sump, t));
            case "pump2_run":
                return Flooding(device, time);
            default:
                // Duty blowers run, the standby (third) one does not; valves reported as "open" are open; alarms are quiet.
                return m.Quantity.Contains("open", StringComparison.Ordinal)
                    || m.Quantity is "blower1_run" or "blower2_run";
        }
    }

    private bool Linkage(Device device, DateTimeOffset time)
    {
        var models = ModelsOf(device);
        return (models.TryGetValue("ch4", out var ch4) && AnalogValue(device, ch4, time, true) >= 20)
            || (models.TryGetValue("temp", out var temp) && AnalogValue(device, temp, time, true) >= 40)
            || (models.TryGetValue("o2", out var o2) && AnalogValue(device, o2, time, true) <= 19.5);
    }

    private bool Flooding(Device device, DateTimeOffset time) =>
        Scenarios.EffectsOn(device.Id).Any(x => x.Scenario.Kind == ScenarioKind.SumpFlooding && x.Scenario.IsActiveAt(time - Start - x.Target.Delay));

    private static double Normal(ChannelModel m, double t)
    {
        var hour = ((t + LocalOffsetSeconds) % 86400) / 3600;
        var value = m.Mean
            + (m.DailyAmplitude * Math.Cos(2 * Math.PI * (hour - m.DailyPeakHour) / 24))
            + (m.Noise * SmoothNoise(m.Key, t / 30))
            + (m.White * StableHash.Signed(StableHash.Combine(m.Key ^ 0x5DEECE66DUL, (long)Math.Floor(t * 10))));
        return Math.Clamp(value, Math.Min(m.Lower, m.Upper), m.Upper);
    }

    private static double SumpLevel(ChannelModel m, double t)
    {
        var cycle = m.FillSeconds + m.DrainSeconds;
        var p = (t + m.CyclePhase) % cycle;
        var level = p < m.FillSeconds
            ? m.SumpFloor + ((m.SumpPeak - m.SumpFloor) * p / m.FillSeconds)
            : m.SumpPeak - ((m.SumpPeak - m.SumpFloor) * (p - m.FillSeconds) / m.DrainSeconds);
        return level + (0.003 * m.Span * StableHash.Signed(StableHash.Combine(m.Key, (long)Math.Floor(t * 10))));
    }

    private static bool IsDraining(ChannelModel sump, double t) => ((t + sump.CyclePhase) % (sump.FillSeconds + sump.DrainSeconds)) >= sump.FillSeconds;

    /// <summary>Value noise: random knots at integer <paramref name="x"/>, cosine-interpolated, in [-1, 1].</summary>
    private static double SmoothNoise(ulong key, double x)
    {
        var i = Math.Floor(x);
        var a = StableHash.Signed(StableHash.Combine(key, (long)i));
        var b = StableHash.Signed(StableHash.Combine(key, (long)i + 1));
        var w = (1 - Math.Cos((x - i) * Math.PI)) / 2;
        return a + ((b - a) * w);
    }

    private static double SmoothStep(double x)
    {
        x = Math.Clamp(x, 0, 1);
        return x * x * (3 - (2 * x));
    }

    /// <summary>The effect's strength <paramref name="e"/> seconds in: rising while it lasts, decaying after it ends.</summary>
    private static double Envelope(double e, double duration, double decaySeconds, Func<double, double> rise) =>
        e <= duration ? rise(e) : rise(duration) * Math.Exp(-(e - duration) / decaySeconds);
}
