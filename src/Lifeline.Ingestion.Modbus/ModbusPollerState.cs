using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Lifeline.Ingestion.Modbus.Profiles;

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
    private readonly Dictionary<string, ModbusDeviceConnection> _connections = new(StringComparer.Ordinal);
    private readonly Lock _connectionsLock = new();
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

    /// <summary>
    /// The one connection to a device, shared by its poller and by commands (<see cref="ModbusCommander"/>): made on
    /// first use, and made again when the previous one was disposed (its poller stopped).
    /// </summary>
    internal ModbusDeviceConnection Connection(ModbusDeviceConfig config, ModbusOptions options, TimeProvider time)
    {
        var deviceState = Register(config.DeviceId, config.Endpoint);
        lock (_connectionsLock)
        {
            if (_connections.TryGetValue(config.DeviceId, out var existing) && !existing.IsDisposed)
            {
                return existing;
            }

            var connection = new ModbusDeviceConnection(config.Host, config.Port, config.UnitId, DevicePoller.ClientOptions(options), time, deviceState.SetConnected);
            _connections[config.DeviceId] = connection;
            return connection;
        }
    }

    /// <summary>Disposes every connection still open (at shutdown, after the poller stopped).</summary>
    internal async ValueTask DisposeConnectionsAsync()
    {
        List<ModbusDeviceConnection> open;
        lock (_connectionsLock)
        {
            open = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (var connection in open)
        {
            await connection.DisposeAsync();
        }
    }

    internal void SetRunning(bool running) => Volatile.Write(ref _running, running ? 1 : 0);
}
