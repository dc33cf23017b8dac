using Lifeline.Assets.Yaml;
using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>Reads the device list of a plant or gas station: id, model, optional interval, channels.</summary>
internal static class DeviceParser
{
    /// <summary>The devices, or null when any is invalid (already reported).</summary>
    public static List<Device>? ParseAll(YamlReader reader, YamlMap station, AssetLocation location, TimeSpan defaultInterval, SensorTypeCatalog types, IdIndex devices)
    {
        var items = station.Sequence("devices");
        if (items is null)
        {
            return null;
        }

        if (items.Count == 0)
        {
            station.Error("devices", "must list at least one device");
            return null;
        }

        var result = new List<Device>();
        var ok = true;
        foreach (var item in items)
        {
            var device = Parse(reader, item, location, defaultInterval, types, devices);
            if (device is null)
            {
                ok = false;
            }
            else
            {
                result.Add(device);
            }
        }

        return ok ? result : null;
    }

    private static Device? Parse(YamlReader reader, YamlItem item, AssetLocation location, TimeSpan defaultInterval, SensorTypeCatalog types, IdIndex devices)
    {
        var map = reader.Map(item.Node, item.Path, ["id", "model", "channels"], ["interval"]);
        if (map is null)
        {
            return null;
        }

        var (id, unique) = devices.ReadAndClaim(reader, map);
        var model = map.Text("model");
        var interval = defaultInterval;
        if (map.Has("interval"))
        {
            if (map.Duration("interval") is not { } value)
            {
                return null;
            }

            if (value <= TimeSpan.Zero)
            {
                map.Error("interval", "must be > 0");
                return null;
            }

            interval = value;
        }

        var channels = ChannelParser.Parse(reader, map["channels"], map.PathOf("channels"), types);
        if (!unique || id is null || model is null || channels is null)
        {
            return null;
        }

        return new Device(id, model, location, channels, interval);
    }
}
