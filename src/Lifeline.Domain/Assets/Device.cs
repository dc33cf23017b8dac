namespace Lifeline.Domain.Assets;

/// <summary>A field device (zone controller, analyser, station RTU) and its channels.</summary>
public sealed class Device
{
    private readonly Dictionary<string, Channel> _channels;

    public Device(string id, string model, AssetLocation location, IReadOnlyList<Channel> channels, TimeSpan expectedInterval)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(location);
        ArgumentNullException.ThrowIfNull(channels);
        Id = id;
        Model = model;
        Location = location;
        Channels = channels;
        ExpectedInterval = expectedInterval;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>Registry id, used as <c>{device}</c> in MQTT topics.</summary>
    public string Id { get; }

    public string SiteId => Location.SiteId;

    /// <summary>Device model (sensor kit or register map name).</summary>
    public string Model { get; }

    public AssetLocation Location { get; }

    public IReadOnlyList<Channel> Channels { get; }

    /// <summary>How often the device is expected to report.</summary>
    public TimeSpan ExpectedInterval { get; }

    public bool TryGetChannel(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Channel? channel) =>
        _channels.TryGetValue(name, out channel);

    /// <summary>The sensor id of one of this device's channels: <c>{device}.{channel}</c>.</summary>
    public string SensorId(string channel) => SensorIds.Of(Id, channel);
}
