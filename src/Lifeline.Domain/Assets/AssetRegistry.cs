using System.Diagnostics.CodeAnalysis;
using Lifeline.Domain.Alarms;

namespace Lifeline.Domain.Assets;

/// <summary>The validated asset registry of a city: sites, their tunnels and stations, devices, sensor types and rules.</summary>
public sealed class AssetRegistry
{
    private readonly Dictionary<string, Device> _devices;
    private readonly Dictionary<string, FireZone> _zones;
    private readonly Dictionary<string, Cabin> _cabins;
    private readonly Dictionary<string, Tunnel> _tunnels;
    private readonly Dictionary<string, Site> _sites;

    public AssetRegistry(string city, IReadOnlyList<Site> sites, IReadOnlyDictionary<string, SensorType> sensorTypes, IReadOnlyList<ThresholdRule> rules)
        : this(city, sites, sensorTypes, new RuleSet(rules))
    {
    }

    public AssetRegistry(string city, IReadOnlyList<Site> sites, IReadOnlyDictionary<string, SensorType> sensorTypes, RuleSet ruleSet)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(ruleSet);
        City = city;
        Sites = sites;
        SensorTypes = sensorTypes;
        RuleSet = ruleSet;
        _sites = sites.ToDictionary(s => s.Id, StringComparer.Ordinal);
        _tunnels = sites.SelectMany(s => s.Tunnels).ToDictionary(t => t.Id, StringComparer.Ordinal);
        _cabins = _tunnels.Values.SelectMany(t => t.Cabins).ToDictionary(c => c.Id, StringComparer.Ordinal);
        _zones = _cabins.Values.SelectMany(c => c.Zones).ToDictionary(z => z.Id, StringComparer.Ordinal);
        _devices = _zones.Values.SelectMany(z => z.Devices)
            .Concat(sites.SelectMany(s => s.Stations).SelectMany(st => st.Devices))
            .ToDictionary(d => d.Id, StringComparer.Ordinal);
    }

    /// <summary>City id, e.g. <c>baoshan</c>.</summary>
    public string City { get; }

    public IReadOnlyList<Site> Sites { get; }

    public IReadOnlyDictionary<string, SensorType> SensorTypes { get; }

    /// <summary>The threshold rules per sensor type as loaded at start-up (the rule engine may have reloaded them since).</summary>
    public IReadOnlyList<ThresholdRule> Rules => RuleSet.Rules;

    /// <summary>The rules and their overrides per site, tunnel, cabin, zone or device, as loaded at start-up.</summary>
    public RuleSet RuleSet { get; }

    public IEnumerable<Device> Devices => _devices.Values;

    public int DeviceCount => _devices.Count;

    public bool TryGetSite(string id, [NotNullWhen(true)] out Site? site) => _sites.TryGetValue(id, out site);

    public bool TryGetTunnel(string id, [NotNullWhen(true)] out Tunnel? tunnel) => _tunnels.TryGetValue(id, out tunnel);

    public bool TryGetCabin(string id, [NotNullWhen(true)] out Cabin? cabin) => _cabins.TryGetValue(id, out cabin);

    public bool TryGetZone(string id, [NotNullWhen(true)] out FireZone? zone) => _zones.TryGetValue(id, out zone);

    public bool TryGetDevice(string id, [NotNullWhen(true)] out Device? device) => _devices.TryGetValue(id, out device);

    /// <summary>The zones before and after <paramref name="zoneId"/> in the same cabin (fire-zone neighbours).</summary>
    public IReadOnlyList<FireZone> NeighboursOf(string zoneId)
    {
        if (!_zones.TryGetValue(zoneId, out var zone) || !_cabins.TryGetValue(zone.CabinId, out var cabin))
        {
            return [];
        }

        return cabin.Zones.Where(z => Math.Abs(z.Index - zone.Index) == 1).ToList();
    }
}
