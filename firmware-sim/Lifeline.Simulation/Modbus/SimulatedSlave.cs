using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Lifeline.Simulation.Signals;

namespace Lifeline.Simulation.Modbus;

/// <summary>
/// The register image of one simulated PLC or RTU, laid out by its model's profile and recomputed from the signal
/// generator on every <see cref="Update"/>. Clients read it through the <see cref="IModbusDataStore"/> interface;
/// they may write only the writable points (command coils, writable holding registers), anything else is refused with
/// <see cref="ModbusExceptionCode.IllegalDataAddress"/>. A written command goes to the generator's
/// <see cref="EquipmentState"/>, exactly as an MQTT command does, and is obeyed from the next update on: its feedback
/// channel (<c>fan1_cmd</c> → <c>fan1_run</c>) takes the commanded value, and a commanded fan ventilates its zone. A
/// command point shows what was written until then, and the state of what it commands (its feedback) otherwise.
/// </summary>
internal sealed class SimulatedSlave : IModbusDataStore
{
    private readonly Lock _lock = new();
    private readonly SignalGenerator _generator;
    private readonly Action<SimulatedSlave, ModbusPoint, double>? _commanded;
    private readonly ModbusDataStore _store;
    private readonly SlavePoint[] _points;
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    // The image as last published to _store, changed only under _lock.
    private readonly bool[] _coils;
    private readonly bool[] _inputs;
    private readonly ushort[] _holding;
    private readonly ushort[] _registers;

    // Addresses clients may write, and those they wrote whose command is not in effect yet (left alone until it is).
    private readonly bool[] _writableCoils;
    private readonly bool[] _writableHolding;
    private readonly bool[] _heldCoils;
    private readonly bool[] _heldHolding;

    // When the last write takes effect in the equipment state: written points are held until then.
    private DateTimeOffset? _heldUntil;

    public SimulatedSlave(ModbusDeviceConfig config, SignalGenerator generator, Action<SimulatedSlave, ModbusPoint, double>? commanded = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(generator);
        Config = config;
        _generator = generator;
        _commanded = commanded;
        _points = PointsOf(config);
        _coils = new bool[End(ModbusTable.Coils)];
        _inputs = new bool[End(ModbusTable.DiscreteInputs)];
        _holding = new ushort[End(ModbusTable.HoldingRegisters)];
        _registers = new ushort[End(ModbusTable.InputRegisters)];
        _writableCoils = new bool[_coils.Length];
        _writableHolding = new bool[_holding.Length];
        _heldCoils = new bool[_coils.Length];
        _heldHolding = new bool[_holding.Length];
        foreach (var point in _points.Select(p => p.Point).Where(p => p.Writable))
        {
            var writable = point.Table == ModbusTable.Coils ? _writableCoils : _writableHolding;
            writable.AsSpan(point.Address, point.Width).Fill(true);
        }

        _store = new ModbusDataStore(_coils.Length, _inputs.Length, _holding.Length, _registers.Length);
    }

    public ModbusDeviceConfig Config { get; }

    public Device Device => Config.Device;

    /// <summary>False while a device-offline scenario holds the device (as of the last update).</summary>
    public bool Online { get; private set; } = true;

    /// <summary>The simulated time of the last update that produced values, or null before the first.</summary>
    public DateTimeOffset? UpdatedAt { get; private set; }

    /// <summary>The channel values of the last update, commands applied: what a master reads, before encoding.</summary>
    public IReadOnlyDictionary<string, double> Values
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, double>(_values, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Recomputes the image at <paramref name="time"/>; returns whether the device is online (offline: the image is kept).</summary>
    public bool Update(DateTimeOffset time)
    {
        lock (_lock)
        {
            Online = _generator.IsOnline(Device, time);
            if (!Online)
            {
                return false;
            }

            if (_heldUntil is { } until && time >= until)
            {
                // The writes are in effect: from now on the command points show the equipment's commanded state.
                Array.Clear(_heldCoils);
                Array.Clear(_heldHolding);
                _heldUntil = null;
            }

            // The equipment obeys what was commanded through the generator's equipment state, which a write here
            // (ShareLocked) and an MQTT command alike go to: one source of truth for the run feedback and the
            // ventilation of the zone.
            foreach (var channel in Device.Channels)
            {
                _values[channel.Name] = _generator.Value(Device, channel, time);
            }

            foreach (var p in _points)
            {
                if (p.Point.Writable && IsHeld(p.Point))
                {
                    continue;
                }

                // A polled channel shows its value; a command output the state of what it commands (commanded or simulated).
                if ((p.Channel ?? p.Target) is { } shown)
                {
                    WriteLocked(p.Point, _values[shown.Name], shown.Min, shown.Max);
                }
            }

            _store.SetCoils(0, _coils);
            _store.SetDiscreteInputs(0, _inputs);
            _store.SetHoldingRegisters(0, _holding);
            _store.SetInputRegisters(0, _registers);
            UpdatedAt = time;
            return true;
        }
    }

    bool IModbusDataStore.TryReadCoils(ushort address, Span<bool> values) => ((IModbusDataStore)_store).TryReadCoils(address, values);

    bool IModbusDataStore.TryReadDiscreteInputs(ushort address, Span<bool> values) => ((IModbusDataStore)_store).TryReadDiscreteInputs(address, values);

    bool IModbusDataStore.TryReadHoldingRegisters(ushort address, Span<ushort> values) => ((IModbusDataStore)_store).TryReadHoldingRegisters(address, values);

    bool IModbusDataStore.TryReadInputRegisters(ushort address, Span<ushort> values) => ((IModbusDataStore)_store).TryReadInputRegisters(address, values);

    bool IModbusDataStore.TryWriteCoils(ushort address, ReadOnlySpan<bool> values)
    {
        List<(ModbusPoint, double)> written;
        lock (_lock)
        {
            if (!IsWritable(_writableCoils, address, values.Length))
            {
                return false;
            }

            values.CopyTo(_coils.AsSpan(address));
            _heldCoils.AsSpan(address, values.Length).Fill(true);
            _store.SetCoils(address, values);
            written = WrittenLocked(ModbusTable.Coils, address, values.Length);
            ShareLocked(written);
        }

        Notify(written);
        return true;
    }

    bool IModbusDataStore.TryWriteHoldingRegisters(ushort address, ReadOnlySpan<ushort> values)
    {
        List<(ModbusPoint, double)> written;
        lock (_lock)
        {
            if (!IsWritable(_writableHolding, address, values.Length))
            {
                return false;
            }

            WriteHoldingLocked(address, values);
            written = WrittenLocked(ModbusTable.HoldingRegisters, address, values.Length);
            ShareLocked(written);
        }

        Notify(written);
        return true;
    }

    bool IModbusDataStore.TryWriteReadHoldingRegisters(ushort writeAddress, ReadOnlySpan<ushort> writeValues, ushort readAddress, Span<ushort> readValues)
    {
        List<(ModbusPoint, double)> written;
        lock (_lock)
        {
            if (!IsWritable(_writableHolding, writeAddress, writeValues.Length) || readAddress + readValues.Length > _holding.Length)
            {
                return false;
            }

            WriteHoldingLocked(writeAddress, writeValues);
            _holding.AsSpan(readAddress, readValues.Length).CopyTo(readValues);
            written = WrittenLocked(ModbusTable.HoldingRegisters, writeAddress, writeValues.Length);
            ShareLocked(written);
        }

        Notify(written);
        return true;
    }

    /// <summary>
    /// The device's points: the polled channels it has, and the profile's writable points that are not optional channels
    /// it lacks (command outputs are never optional).
    /// </summary>
    private static SlavePoint[] PointsOf(ModbusDeviceConfig config)
    {
        var device = config.Device;
        var points = config.Groups.SelectMany(g => g.Points).ToList();
        var names = points.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        points.AddRange(config.Profile.Writable.Where(p => !names.Contains(p.Name) && (device.TryGetChannel(p.Name, out _) || !config.Profile.Optional.Contains(p.Name))));
        return points
            .Select(p =>
            {
                device.TryGetChannel(p.Name, out var channel);
                Channel? target = null;
                if (p.Writable)
                {
                    target = p.Feedback is { } feedback && device.TryGetChannel(feedback, out var shown) ? shown : channel;
                }

                return new SlavePoint(p, channel, target);
            })
            .ToArray();
    }

    private static bool IsWritable(bool[] writable, ushort address, int count) =>
        address + count <= writable.Length && !writable.AsSpan(address, count).Contains(false);

    private int End(ModbusTable table) => _points.Where(p => p.Point.Table == table).Select(p => p.Point.End).DefaultIfEmpty(0).Max();

    private bool IsHeld(ModbusPoint point) => point.Table switch
    {
        ModbusTable.Coils => _heldCoils.AsSpan(point.Address, point.Width).Contains(true),
        ModbusTable.HoldingRegisters => _heldHolding.AsSpan(point.Address, point.Width).Contains(true),
        _ => false,
    };

    private void WriteHoldingLocked(ushort address, ReadOnlySpan<ushort> values)
    {
        values.CopyTo(_holding.AsSpan(address));
        _heldHolding.AsSpan(address, values.Length).Fill(true);
        _store.SetHoldingRegisters(address, values);
    }

    /// <summary>The writable points a write touched, with the value each holds now.</summary>
    private List<(ModbusPoint, double)> WrittenLocked(ModbusTable table, ushort address, int count) =>
        _points
            .Select(p => p.Point)
            .Where(p => p.Writable && p.Table == table && p.Address < address + count && address < p.End)
            .Select(p => (p, ReadLocked(p)))
            .ToList();

    /// <summary>
    /// Shares what was commanded with the generator's equipment state (one per device for every transport), effective from
    /// the next update on, so the rest of the simulation (a zone's ventilation) sees it too.
    /// </summary>
    private void ShareLocked(List<(ModbusPoint Point, double Value)> written)
    {
        var effectiveAt = (UpdatedAt ?? _generator.Start) + TimeSpan.FromTicks(1);
        _heldUntil = effectiveAt;
        foreach (var (point, value) in written)
        {
            if (_points.FirstOrDefault(p => p.Point == point)?.Target is { } target)
            {
                _generator.Equipment.Command(Device.Id, target.Name, target.Kind == ChannelKind.Boolean ? (value != 0 ? 1 : 0) : value, effectiveAt);
            }
        }
    }

    private void Notify(List<(ModbusPoint Point, double Value)> written)
    {
        foreach (var (point, value) in written)
        {
            _commanded?.Invoke(this, point, value);
        }
    }

    private double ReadLocked(ModbusPoint point) => point.Table switch
    {
        ModbusTable.Coils => _coils[point.Address] ? 1 : 0,
        ModbusTable.DiscreteInputs => _inputs[point.Address] ? 1 : 0,
        ModbusTable.HoldingRegisters => point.Format.Decode(_holding.AsSpan(point.Address, point.Width)),
        _ => point.Format.Decode(_registers.AsSpan(point.Address, point.Width)),
    };

    private void WriteLocked(ModbusPoint point, double value, double min, double max)
    {
        switch (point.Table)
        {
            case ModbusTable.Coils:
                _coils[point.Address] = value >= 0.5;
                break;
            case ModbusTable.DiscreteInputs:
                _inputs[point.Address] = value >= 0.5;
                break;
            case ModbusTable.HoldingRegisters:
                SlaveEncoding.Encode(point.Format, value, min, max, _holding.AsSpan(point.Address, point.Width));
                break;
            default:
                SlaveEncoding.Encode(point.Format, value, min, max, _registers.AsSpan(point.Address, point.Width));
                break;
        }
    }

    /// <summary>A point of the image: the registry channel it shows (null for a command output) and the channel a write to it drives.</summary>
    private sealed record SlavePoint(ModbusPoint Point, Channel? Channel, Channel? Target);
}
