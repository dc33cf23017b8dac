using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// The state of every polled device (connected, communication loss, last good poll, counters), for <c>/health</c>.
/// A singleton; empty while polling is disabled.
/// </summary>
public sealed class ModbusPollerState
{
    private readonly ConcurrentDictionary<string, ModbusDeviceState> _devices = new(StringComparer.Ordinal);
    private readonly List<ModbusDeviceState> _ordered = [];
    private readonly Lock _lock = new();
    private int _running;

    /// <summary>The poller is running.</summary>
    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>Every polled device, in <c>modbus.yaml</c> order.</summary>
    public IReadOnlyList<ModbusDeviceState> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _ordered];
            }
        }
    }

    /// <summary>Snapshots of every device, in file order.</summary>
    public IReadOnlyList<ModbusDeviceSnapshot> Snapshot() => Devices.Select(d => d.Snapshot()).ToList();

    /// <summary>The state of one device.</summary>
    public bool TryGet(string deviceId, [NotNullWhen(true)] out ModbusDeviceState? state) => _devices.TryGetValue(deviceId, out state);

    internal ModbusDeviceState Register(string deviceId, string endpoint)
    {
        lock (_lock)
        {
            var state = _devices.GetOrAdd(deviceId, id => new ModbusDeviceState(id, endpoint));
            if (!_ordered.Contains(state))
            {
                _ordered.Add(state);
            }

            return state;
        }
    }

    internal void SetRunning(bool running) => Volatile.Write(ref _running, running ? 1 : 0);
}
