using System.Diagnostics.CodeAnalysis;
using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Scenarios;

/// <summary>Checks a <see cref="ScenarioSpec"/> against the registry and works out the device channels it affects.</summary>
public static class ScenarioResolver
{
    /// <summary>How long a gas leak takes to reach the neighbouring zones of the cabin.</summary>
    public static readonly TimeSpan GasSpreadDelay = TimeSpan.FromSeconds(30);

    /// <summary>Peak in a neighbouring zone relative to the peak at the leak.</summary>
    public const double GasNeighbourIntensity = 0.6;

    private static readonly string[] GasChannels = ["ch4", "lel"];

    public static Scenario Resolve(string spec, AssetRegistry registry) =>
        Resolve(ScenarioSpec.Parse(spec), registry);

    public static Scenario Resolve(ScenarioSpec spec, AssetRegistry registry) =>
        TryResolve(spec, registry, out var scenario, out var error) ? scenario : throw new ScenarioSpecException(error);

    public static bool TryResolve(string text, AssetRegistry registry, [NotNullWhen(true)] out Scenario? scenario, [NotNullWhen(false)] out string? error)
    {
        scenario = null;
        return ScenarioSpec.TryParse(text, out var spec, out error) && TryResolve(spec, registry, out scenario, out error);
    }

    public static bool TryResolve(ScenarioSpec spec, AssetRegistry registry, [NotNullWhen(true)] out Scenario? scenario, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(registry);
        scenario = null;
        var targets = new List<ScenarioTarget>();
        switch (spec.Kind)
        {
            case ScenarioKind.StuckSensor:
                if (!SensorIds.TrySplit(spec.Target, out var deviceId, out var channel) || !registry.TryGetDevice(deviceId, out var device))
                {
                    error = $"scenario '{spec.Text}': unknown target '{spec.Target}': stuck-sensor needs a sensor id {{device}}.{{channel}} of a registry device";
                    return false;
                }

                if (!device.TryGetChannel(channel, out _))
                {
                    error = $"scenario '{spec.Text}': unknown target '{spec.Target}': device '{deviceId}' has no channel '{channel}' (channels: {string.Join(", ", device.Channels.Select(c => c.Name))})";
                    return false;
                }

                targets.Add(new ScenarioTarget(deviceId, channel, TimeSpan.Zero, 1));
                break;

            case ScenarioKind.DeviceOffline:
                if (!TryDevicesOf(spec, registry, out var offline, out _, out error))
                {
                    return false;
                }

                targets.AddRange(offline.Select(d => new ScenarioTarget(d.Id, null, TimeSpan.Zero, 1)));
                break;

            case ScenarioKind.GasLeak:
                if (!TryDevicesOf(spec, registry, out var leaking, out var zoneId, out error))
                {
                    return false;
                }

                AddChannelTargets(targets, leaking, GasChannels, TimeSpan.Zero, 1);
                if (targets.Count == 0)
                {
                    error = NoChannel(spec, "ch4 (or lel)");
                    return false;
                }

                if (zoneId is not null)
                {
                    foreach (var neighbour in registry.NeighboursOf(zoneId))
                    {
                        AddChannelTargets(targets, neighbour.Devices, GasChannels, GasSpreadDelay, GasNeighbourIntensity);
                    }
                }

                break;

            default:
                var quantity = spec.Kind switch
                {
                    ScenarioKind.O2Depletion => "o2",
                    ScenarioKind.SumpFlooding => "level",
                    _ => "temp",
                };
                if (!TryDevicesOf(spec, registry, out var devices, out _, out error))
                {
                    return false;
                }

                AddChannelTargets(targets, devices, [quantity], TimeSpan.Zero, 1);
                if (targets.Count == 0)
                {
                    error = NoChannel(spec, quantity);
                    return false;
                }

                break;
        }

        scenario = new Scenario(spec, targets);
        error = null;
        return true;
    }

    private static bool TryDevicesOf(ScenarioSpec spec, AssetRegistry registry, out IReadOnlyList<Device> devices, out string? zoneId, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (registry.TryGetZone(spec.Target, out var zone))
        {
            devices = zone.Devices;
            zoneId = zone.Id;
            return true;
        }

        if (registry.TryGetDevice(spec.Target, out var device))
        {
            devices = [device];
            zoneId = device.Location.ZoneId;
            return true;
        }

        devices = [];
        zoneId = null;
        error = $"scenario '{spec.Text}': unknown target '{spec.Target}': no fire zone or device with that id";
        return false;
    }

    private static void AddChannelTargets(List<ScenarioTarget> targets, IEnumerable<Device> devices, IReadOnlyList<string> channels, TimeSpan delay, double intensity)
    {
        foreach (var device in devices)
        {
            foreach (var name in channels)
            {
                if (device.TryGetChannel(name, out _))
                {
                    targets.Add(new ScenarioTarget(device.Id, name, delay, intensity));
                }
            }
        }
    }

    private static string NoChannel(ScenarioSpec spec, string channel) =>
        $"scenario '{spec.Text}': target '{spec.Target}' has no device with channel {channel}";
}
