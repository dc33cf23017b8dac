using System.Globalization;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Rules.Anomaly;
using Lifeline.Simulation.Signals;
using Lifeline.Testing;

namespace Lifeline.Rules.Tests.Anomaly;

/// <summary>
/// The configured anomaly detectors (seeds/baoshan/anomaly.yaml) against the simulator's normal signals: no fault
/// scenario must give no anomaly at all. The replay covers every kind of device (each tunnel cabin type, every plant
/// and gas device, the Modbus-polled ones through their register encoding) over simulated hours, including the
/// steepest part of the daily cycle. <c>LIFELINE_ANOMALY_SOAK_HOURS</c> and <c>LIFELINE_ANOMALY_SOAK_ZONES</c> (zone
/// controllers per cabin type, or <c>all</c>) lengthen it for a manual soak.
/// </summary>
public sealed class SimulatorNormalOperationTests(ITestOutputHelper output)
{
    /// <summary>06:00 local (UTC+8): the replay runs into the afternoon, through the daily rise of temperature and humidity swing.</summary>
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 6, 0, 0, TimeSpan.FromHours(8));

    private static readonly Lazy<(AssetRegistry Registry, AnomalyOptions Options, ModbusPollPlan Modbus)> Seeds = new(() =>
    {
        var seeds = RepositoryPaths.Seeds();
        var registry = AssetRegistryLoader.Load(seeds);
        var options = AnomalyConfigLoader.Load(Path.Combine(seeds, AnomalyConfigLoader.FileName), registry).Options;
        return (registry, options, ModbusProfileLoader.Load(Path.Combine(seeds, ModbusProfileLoader.FileName), registry));
    });

    [Fact]
    public void SeedsDefaults_NormalSignalsOfEveryDeviceKind_RaiseNoAnomaly()
    {
        // Arrange
        var (registry, options, modbus) = Seeds.Value;
        var hours = Environment.GetEnvironmentVariable("LIFELINE_ANOMALY_SOAK_HOURS") is { Length: > 0 } h ? double.Parse(h, CultureInfo.InvariantCulture) : 1.5;
        var zones = Environment.GetEnvironmentVariable("LIFELINE_ANOMALY_SOAK_ZONES") ?? "2";
        var devices = Sample(registry, zones);
        var sut = new AnomalyEngine(devices, options);
        var replay = new SimulatorReplay(new SignalGenerator(registry, 42, Start), sut, devices, modbus);

        // Act
        var watch = System.Diagnostics.Stopwatch.StartNew();
        replay.Run(Start, TimeSpan.FromHours(hours));

        // Assert
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{hours} h simulated, {replay.MqttDevices} MQTT + {replay.ModbusDevices} Modbus devices, {sut.DetectorInstances} detectors, {replay.Readings:N0} readings in {watch.Elapsed.TotalSeconds:0.0} s"));
        var explained = replay.Transitions.Where(HeldConstantBySimulator).ToList();
        var unexplained = replay.Transitions.Except(explained).ToList();
        foreach (var t in unexplained.Take(50))
        {
            output.WriteLine($"{t.At:HH:mm:ss} {t.Kind} {t.Change} {t.SensorId}: {t.Detail}");
        }

        foreach (var t in explained)
        {
            output.WriteLine($"explained: {t.At:HH:mm:ss} {t.Kind} {t.Change} {t.SensorId}: {t.Detail} (the simulator clamps it to a constant)");
        }

        unexplained.ShouldBeEmpty();
    }

    /// <summary>
    /// The simulator keeps a normal signal a margin of 2 % of the span inside the tightest alarm limit. For the effluent
    /// analysers' BOD₅ (pre-alarm 8 mg/L, span 200: margin 4), TP (0.4, span 20: margin 0.4) and SS (8, span 500: margin
    /// 10) that margin eats the band below the limit, so the signal is clamped to a constant (4, 0 and 0 mg/L) for hours.
    /// The flat-line detector is right about those: the values do not change. After the analysers' 6 h window they are
    /// reported as stuck (and cleared when the daily cycle takes the value off the clamp).
    /// </summary>
    private static bool HeldConstantBySimulator(AnomalyTransition t) =>
        t.Kind == AnomalyKinds.Flatline && t.Device.Id.EndsWith("-effluent-ana", StringComparison.Ordinal) && t.Channel?.Name is "bod5" or "tp" or "ss";

    /// <summary>Every plant and gas device, and <paramref name="zones"/> zone controllers of each tunnel cabin type.</summary>
    private static List<Device> Sample(AssetRegistry registry, string zones)
    {
        var tunnel = registry.Devices.Where(d => d.Location.SiteKind == SiteKind.TunnelProject);
        var others = registry.Devices.Where(d => d.Location.SiteKind != SiteKind.TunnelProject);
        if (zones == "all")
        {
            return [.. registry.Devices];
        }

        var perCabin = int.Parse(zones, CultureInfo.InvariantCulture);
        return
        [
            .. others,
            .. tunnel.GroupBy(d => d.Location.CabinType).SelectMany(g => g.OrderBy(d => d.Id, StringComparer.Ordinal).Take(perCabin)),
        ];
    }
}
