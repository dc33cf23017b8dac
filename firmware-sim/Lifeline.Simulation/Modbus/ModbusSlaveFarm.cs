using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Signals;
using Microsoft.Extensions.Logging;

namespace Lifeline.Simulation.Modbus;

/// <summary>
/// Serves every device of a <see cref="ModbusPollPlan"/> as a Modbus TCP slave on its endpoint (host, port, unit;
/// devices sharing a port share one server), with registers laid out by the device model's profile and recomputed
/// from the <see cref="SignalGenerator"/> every <see cref="SimulatorModbusOptions.UpdateInterval"/>, so scenarios show
/// up over Modbus as they do over MQTT. Writable command points are obeyed (see <see cref="SimulatedSlave"/>); a
/// device held by a device-offline scenario stops answering. A device whose endpoint cannot be bound is logged and
/// left out; the others are served. Time goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class ModbusSlaveFarm : IAsyncDisposable
{
    private readonly ModbusPollPlan _plan;
    private readonly SimulatorModbusOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SimulatorCounters? _counters;
    private readonly Binding[] _bindings;
    private readonly Lock _lock = new();
    private readonly List<ModbusTcpServer> _servers = [];
    private bool _started;

    /// <summary>
    /// Creates the farm; nothing listens until <see cref="StartAsync"/>. Commands written by clients go to
    /// <paramref name="generator"/>'s <see cref="SignalGenerator.Equipment"/> (shared with the MQTT devices) and are
    /// counted in <paramref name="counters"/> when given.
    /// </summary>
    public ModbusSlaveFarm(ModbusPollPlan plan, SignalGenerator generator, SimulatorModbusOptions options, TimeProvider timeProvider, ILogger logger, SimulatorCounters? counters = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _plan = plan;
        _options = options;
        _time = timeProvider;
        _logger = logger;
        _counters = counters;
        _bindings = plan.Devices.Select(d => new Binding(new SimulatedSlave(d, generator, OnCommanded))).ToArray();
    }

    /// <summary>Every device of the plan, served or not, in plan order.</summary>
    public IReadOnlyList<ModbusSlaveStatus> Slaves
    {
        get
        {
            lock (_lock)
            {
                return _bindings.Select(b => new ModbusSlaveStatus(b.Config.DeviceId, b.Config.Endpoint, b.Config.UnitId, b.Listening, b.Error, b.Slave.Online)).ToList();
            }
        }
    }

    /// <summary>The simulated time of the last update, or null before the first.</summary>
    public DateTimeOffset? LastUpdate { get; private set; }

    /// <summary>
    /// Loads <paramref name="path"/> (<c>modbus.yaml</c>) against <paramref name="registry"/> and keeps the devices that
    /// are <paramref name="simulated"/>. False, with the reason in <paramref name="messages"/>, when the file does not
    /// exist or is invalid (then <paramref name="plan"/> is empty).
    /// </summary>
    public static bool TryLoadPlan(string path, AssetRegistry registry, IEnumerable<Device> simulated, out ModbusPollPlan plan, out IReadOnlyList<string> messages)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(simulated);
        plan = ModbusPollPlan.Empty;
        if (!File.Exists(path))
        {
            messages = [$"{path} not found"];
            return false;
        }

        ModbusPollPlan full;
        try
        {
            full = ModbusProfileLoader.Load(path, registry);
        }
        catch (AssetRegistryException ex)
        {
            messages = ex.Errors;
            return false;
        }

        var ids = simulated.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        plan = new ModbusPollPlan(full.Profiles, full.Devices.Where(d => ids.Contains(d.DeviceId)).ToList());
        messages = [];
        return true;
    }

    /// <summary>
    /// Computes the first register image, then binds one server per endpoint. Never throws for an endpoint that cannot be
    /// bound: that device is logged and shown in <see cref="Slaves"/> with the reason, the others are served.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_started)
            {
                throw new InvalidOperationException("the Modbus slave farm is already started");
            }

            _started = true;
        }

        Update();
        var groups = new Dictionary<(IPAddress Address, int Port, string Shared), List<Binding>>();
        foreach (var binding in _bindings)
        {
            var (address, port, error) = await PlaceAsync(binding.Config, cancellationToken);
            if (error is not null)
            {
                Fail([binding], error);
                continue;
            }

            // Port 0 (the system picks) keeps apart what modbus.yaml keeps apart.
            var key = (address!, port, port == 0 ? $"{binding.Config.Host}:{binding.Config.Port}" : string.Empty);
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups[key] = list;
            }

            list.Add(binding);
        }

        foreach (var ((address, port, _), bindings) in groups)
        {
            await ServeAsync(address, port, bindings, cancellationToken);
        }

        string endpoints;
        int served;
        lock (_lock)
        {
            served = _bindings.Count(b => b.Listening is not null);
            endpoints = string.Join(", ", _servers.Select(s => s.LocalEndPoint.ToString()).Order(StringComparer.Ordinal));
        }

        Log.Started(_logger, served, _bindings.Length, endpoints);
    }

    /// <summary>Starts (unless started) and updates the registers every <see cref="SimulatorModbusOptions.UpdateInterval"/> until cancelled; then stops the servers.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        bool started;
        lock (_lock)
        {
            started = _started;
        }

        try
        {
            if (!started)
            {
                await StartAsync(cancellationToken);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_options.UpdateInterval, _time, cancellationToken);
                Update();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAsync();
        }
    }

    /// <summary>Recomputes every device's registers at the current time of the <see cref="TimeProvider"/>.</summary>
    public void Update()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            foreach (var binding in _bindings)
            {
                try
                {
                    var online = binding.Slave.Update(now);
                    binding.Failing = false;
                    SetOnlineLocked(binding, online);
                }
#pragma warning disable CA1031 // One device's failure must not stop the others being updated.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    if (!binding.Failing)
                    {
                        binding.Failing = true;
                        Log.UpdateFailed(_logger, ex, binding.Config.DeviceId);
                    }
                }
            }

            LastUpdate = now;
        }
    }

    /// <summary>The channel values of a device at the last update, commands applied (what its registers encode).</summary>
    public IReadOnlyDictionary<string, double> ValuesOf(string deviceId) =>
        _bindings.FirstOrDefault(b => b.Config.DeviceId == deviceId)?.Slave.Values
        ?? throw new ArgumentException($"device '{deviceId}' is not served by this farm", nameof(deviceId));

    /// <summary>
    /// The plan with each served device's endpoint replaced by where it really listens (devices not served are left out):
    /// what a master must poll, e.g. when the system picked the ports.
    /// </summary>
    public ModbusPollPlan ServedPlan()
    {
        lock (_lock)
        {
            var devices = _bindings
                .Where(b => b.Listening is not null)
                .Select(b => b.Config with { Host = Reachable(b.Listening!.Address), Port = b.Listening.Port })
                .ToList();
            return new ModbusPollPlan(_plan.Profiles, devices);
        }
    }

    /// <summary>Stops every server (the farm cannot be started again).</summary>
    public async Task StopAsync()
    {
        List<ModbusTcpServer> servers;
        lock (_lock)
        {
            servers = [.. _servers];
            _servers.Clear();
            foreach (var binding in _bindings)
            {
                binding.Server = null;
                binding.Listening = null;
            }
        }

        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync();

    private static string Reachable(IPAddress address) =>
        address.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString()
        : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback.ToString()
        : address.ToString();

    private async Task<(IPAddress? Address, int Port, string? Error)> PlaceAsync(ModbusDeviceConfig config, CancellationToken cancellationToken)
    {
        int port;
        if (_options.Ports.TryGetValue(config.DeviceId, out var mapped))
        {
            port = mapped;
            if (port is < 0 or > 65535)
            {
                return (null, 0, string.Create(CultureInfo.InvariantCulture, $"port {port} (Simulator:Modbus:Ports) is out of range 0..65535"));
            }
        }
        else
        {
            port = config.Port + _options.PortOffset;
            if (port is < 1 or > 65535)
            {
                return (null, 0, string.Create(CultureInfo.InvariantCulture, $"port {config.Port} + offset {_options.PortOffset} = {port} is out of range 1..65535"));
            }
        }

        var host = string.IsNullOrWhiteSpace(_options.BindAddress) ? config.Host : _options.BindAddress.Trim();
        if (IPAddress.TryParse(host, out var address))
        {
            return (address, port, null);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (IPAddress.Loopback, port, null);
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            var first = addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).FirstOrDefault();
            return first is null ? (null, 0, $"host '{host}' has no address") : (first, port, null);
        }
        catch (SocketException ex)
        {
            return (null, 0, $"host '{host}' cannot be resolved: {ex.Message}");
        }
    }

    private async Task ServeAsync(IPAddress address, int port, List<Binding> bindings, CancellationToken cancellationToken)
    {
        var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = address, Port = port, IgnoreUnknownUnits = true }, _logger);
        var endpoint = new IPEndPoint(address, port).ToString();
        try
        {
            await server.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException or ArgumentException)
        {
            await server.DisposeAsync();
            Fail(bindings, $"cannot listen on {endpoint}: {ex.Message}");
            return;
        }

        lock (_lock)
        {
            _servers.Add(server);
            var units = new HashSet<byte>();
            foreach (var binding in bindings)
            {
                if (!units.Add(binding.Config.UnitId))
                {
                    FailLocked(binding, $"unit {binding.Config.UnitId} on {endpoint} is already served by another device");
                    continue;
                }

                binding.Server = server;
                binding.Listening = server.LocalEndPoint;
                binding.UnitServed = false;

                // Registers are computed before the unit is first answered: a poller must never read the zeros of a
                // slave that has not been updated yet (a jump from 0 to the real value looks like a fault).
                SetOnlineLocked(binding, binding.Slave.Update(_time.GetUtcNow()));
            }
        }
    }

    private void Fail(List<Binding> bindings, string reason)
    {
        lock (_lock)
        {
            foreach (var binding in bindings)
            {
                FailLocked(binding, reason);
            }
        }
    }

    private void FailLocked(Binding binding, string reason)
    {
        binding.Error = reason;
        Log.NotServed(_logger, binding.Config.DeviceId, binding.Config.Endpoint, reason);
    }

    /// <summary>Answers the device's unit while it is online; an offline device is not answered at all, like a dead one.</summary>
    private void SetOnlineLocked(Binding binding, bool online)
    {
        if (binding.Server is not { } server || binding.UnitServed == online)
        {
            return;
        }

        if (online)
        {
            server.AddUnit(binding.Config.UnitId, binding.Slave);
        }
        else
        {
            server.RemoveUnit(binding.Config.UnitId);
        }

        if (binding.WasServed || !online)
        {
            Log.OnlineChanged(_logger, binding.Config.DeviceId, online ? "online" : "offline (not answering)");
        }

        binding.UnitServed = online;
        binding.WasServed = true;
    }

    private void OnCommanded(SimulatedSlave slave, ModbusPoint point, double value)
    {
        var follows = point.Feedback ?? (slave.Device.TryGetChannel(point.Name, out _) ? point.Name : null);
        if (follows is not null)
        {
            _counters?.CommandApplied();
        }

        Log.Commanded(_logger, slave.Device.Id, point.Name, value, follows ?? "nothing");
    }

    private sealed class Binding(SimulatedSlave slave)
    {
        public SimulatedSlave Slave { get; } = slave;

        public ModbusDeviceConfig Config => Slave.Config;

        public ModbusTcpServer? Server { get; set; }

        public IPEndPoint? Listening { get; set; }

        public string? Error { get; set; }

        /// <summary>Whether the server answers the unit now.</summary>
        public bool UnitServed { get; set; }

        /// <summary>Whether the unit was ever answered (the first time is not a change worth logging).</summary>
        public bool WasServed { get; set; }

        /// <summary>Whether the last update failed (logged once per run of failures).</summary>
        public bool Failing { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Simulator Modbus slaves: {Served} of {Devices} devices served on {Endpoints}")]
        public static partial void Started(ILogger logger, int served, int devices, string endpoints);

        [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "Simulated Modbus device {DeviceId} ({Endpoint}) is not served: {Reason}. The other devices are served.")]
        public static partial void NotServed(ILogger logger, string deviceId, string endpoint, string reason);

        [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "Simulated Modbus device {DeviceId}: a client wrote {Point} = {Value}; {Follows} follows from the next update")]
        public static partial void Commanded(ILogger logger, string deviceId, string point, double value, string follows);

        [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "Simulated Modbus device {DeviceId} is now {State}")]
        public static partial void OnlineChanged(ILogger logger, string deviceId, string state);

        [LoggerMessage(EventId = 705, Level = LogLevel.Error, Message = "Simulated Modbus device {DeviceId}: updating its registers failed; it keeps its last values")]
        public static partial void UpdateFailed(ILogger logger, Exception exception, string deviceId);
    }
}
