using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// The latest value of every sensor and the status of every device, for the console and the REST API.
/// Pre-sized from the registry so the hot path allocates nothing.
/// </summary>
public sealed class SensorStore
{
    private readonly Dictionary<string, DeviceEntry> _devices;
    private readonly TimeProvider _time;

    public SensorStore(AssetRegistry registry, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _time = time;
        _devices = registry.Devices.ToDictionary(d => d.Id, d => new DeviceEntry(d), StringComparer.Ordinal);
    }

    public void Update(in Reading reading, DateTimeOffset receivedAt)
    {
        if (!_devices.TryGetValue(reading.DeviceId, out var entry) || !entry.Values.TryGetValue(reading.Channel, out var slot))
        {
            return;
        }

        lock (entry)
        {
            // Late (backfilled) readings never overwrite a newer value.
            if (slot.Timestamp is { } current && reading.Timestamp < current)
            {
                return;
            }

            slot.Value = reading.Value;
            slot.Timestamp = reading.Timestamp;
            slot.ReceivedAt = receivedAt;
            slot.Seq = reading.Seq;
            entry.LastSeen = receivedAt;
        }
    }

    public void SetDeviceStatus(string deviceId, bool online, DateTimeOffset at)
    {
        if (_devices.TryGetValue(deviceId, out var entry))
        {
            lock (entry)
            {
                entry.Online = online;
                entry.StatusAt = at;
            }
        }
    }

    public bool TryGetSensor(string sensorId, out SensorSnapshot snapshot)
    {
        snapshot = default!;
        if (!SensorIds.TrySplit(sensorId, out var deviceId, out var channel)
            || !_devices.TryGetValue(deviceId, out var entry)
            || !entry.Values.TryGetValue(channel, out var slot))
        {
            return false;
        }

        lock (entry)
        {
            snapshot = Snapshot(entry, slot);
        }

        return true;
    }

    public IReadOnlyList<SensorSnapshot>? SensorsOf(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var entry))
        {
            return null;
        }

        lock (entry)
        {
            return entry.Device.Channels.Select(c => Snapshot(entry, entry.Values[c.Name])).ToList();
        }
    }

    /// <summary>Devices that reported within three expected intervals.</summary>
    public (int Total, int Reporting, int Offline) DeviceCounts()
    {
        var now = _time.GetUtcNow();
        int reporting = 0, offline = 0;
        foreach (var entry in _devices.Values)
        {
            lock (entry)
            {
                if (entry.Online == false)
                {
                    offline++;
                }
                else if (entry.LastSeen is { } seen && now - seen <= entry.Device.ExpectedInterval * 3)
                {
                    reporting++;
                }
            }
        }

        return (_devices.Count, reporting, offline);
    }

    private SensorSnapshot Snapshot(DeviceEntry entry, ValueSlot slot)
    {
        var now = _time.GetUtcNow();
        var quality = slot.Timestamp is null ? SensorQuality.NoData
            : entry.Online == false ? SensorQuality.DeviceOffline
            : now - slot.ReceivedAt > entry.Device.ExpectedInterval * 3 ? SensorQuality.Stale
            : SensorQuality.Good;
        return new SensorSnapshot(entry.Device, slot.Channel, slot.Timestamp is null ? null : slot.Value, slot.Timestamp, slot.ReceivedAt, slot.Seq, quality, entry.Online);
    }

    private sealed class DeviceEntry(Device device)
    {
        public Device Device { get; } = device;

        public Dictionary<string, ValueSlot> Values { get; } = device.Channels.ToDictionary(c => c.Name, c => new ValueSlot(c), StringComparer.Ordinal);

        public bool? Online { get; set; }

        public DateTimeOffset? StatusAt { get; set; }

        public DateTimeOffset? LastSeen { get; set; }
    }

    private sealed class ValueSlot(Channel channel)
    {
        public Channel Channel { get; } = channel;

        public double Value { get; set; }

        public DateTimeOffset? Timestamp { get; set; }

        public DateTimeOffset ReceivedAt { get; set; }

        public long? Seq { get; set; }
    }
}
