namespace Lifeline.Modbus;

/// <summary>
/// A thread-safe in-memory <see cref="IModbusDataStore"/> with the four Modbus tables, each of a fixed size
/// starting at address 0. The owner (a device simulator) sets values with the <c>Set…</c> methods and reacts to
/// clients' writes through <see cref="Written"/>.
/// </summary>
public sealed class ModbusDataStore : IModbusDataStore
{
    private readonly Lock _lock = new();
    private readonly bool[] _coils;
    private readonly bool[] _discreteInputs;
    private readonly ushort[] _holdingRegisters;
    private readonly ushort[] _inputRegisters;

    /// <summary>Creates a store with the given number of entries (0 to 65536) in each table, all 0 / false.</summary>
    public ModbusDataStore(int coils, int discreteInputs, int holdingRegisters, int inputRegisters)
    {
        _coils = new bool[CheckSize(coils, nameof(coils))];
        _discreteInputs = new bool[CheckSize(discreteInputs, nameof(discreteInputs))];
        _holdingRegisters = new ushort[CheckSize(holdingRegisters, nameof(holdingRegisters))];
        _inputRegisters = new ushort[CheckSize(inputRegisters, nameof(inputRegisters))];
    }

    /// <summary>
    /// Raised after a Modbus client wrote coils or holding registers (functions 5, 6, 15, 16, 23), outside the
    /// store's lock and on the server's connection thread: keep handlers short. Not raised by the <c>Set…</c>
    /// methods. An exception from a handler is answered to the client with
    /// <see cref="ModbusExceptionCode.ServerDeviceFailure"/> (the write itself has happened).
    /// </summary>
    public event EventHandler<ModbusWriteEventArgs>? Written;

    /// <summary>Reads one coil.</summary>
    public bool GetCoil(ushort address) => Get(_coils, address);

    /// <summary>Reads one discrete input.</summary>
    public bool GetDiscreteInput(ushort address) => Get(_discreteInputs, address);

    /// <summary>Reads one holding register.</summary>
    public ushort GetHoldingRegister(ushort address) => Get(_holdingRegisters, address);

    /// <summary>Reads consecutive holding registers (for example both words of a 32-bit value) at once.</summary>
    public void GetHoldingRegisters(ushort address, Span<ushort> destination) => GetRange(_holdingRegisters, address, destination);

    /// <summary>Reads one input register.</summary>
    public ushort GetInputRegister(ushort address) => Get(_inputRegisters, address);

    /// <summary>Sets consecutive coils from <paramref name="address"/>.</summary>
    public void SetCoils(ushort address, params ReadOnlySpan<bool> values) => SetRange(_coils, address, values);

    /// <summary>Sets consecutive discrete inputs from <paramref name="address"/>.</summary>
    public void SetDiscreteInputs(ushort address, params ReadOnlySpan<bool> values) => SetRange(_discreteInputs, address, values);

    /// <summary>Sets consecutive holding registers from <paramref name="address"/>.</summary>
    public void SetHoldingRegisters(ushort address, params ReadOnlySpan<ushort> values) => SetRange(_holdingRegisters, address, values);

    /// <summary>Sets consecutive input registers from <paramref name="address"/>.</summary>
    public void SetInputRegisters(ushort address, params ReadOnlySpan<ushort> values) => SetRange(_inputRegisters, address, values);

    bool IModbusDataStore.TryReadCoils(ushort address, Span<bool> values) => TryRead(_coils, address, values);

    bool IModbusDataStore.TryReadDiscreteInputs(ushort address, Span<bool> values) => TryRead(_discreteInputs, address, values);

    bool IModbusDataStore.TryReadHoldingRegisters(ushort address, Span<ushort> values) => TryRead(_holdingRegisters, address, values);

    bool IModbusDataStore.TryReadInputRegisters(ushort address, Span<ushort> values) => TryRead(_inputRegisters, address, values);

    bool IModbusDataStore.TryWriteCoils(ushort address, ReadOnlySpan<bool> values)
    {
        if (!TryWrite(_coils, address, values))
        {
            return false;
        }

        Written?.Invoke(this, new ModbusWriteEventArgs(ModbusTable.Coils, address, values.Length));
        return true;
    }

    bool IModbusDataStore.TryWriteHoldingRegisters(ushort address, ReadOnlySpan<ushort> values)
    {
        if (!TryWrite(_holdingRegisters, address, values))
        {
            return false;
        }

        Written?.Invoke(this, new ModbusWriteEventArgs(ModbusTable.HoldingRegisters, address, values.Length));
        return true;
    }

    bool IModbusDataStore.TryWriteReadHoldingRegisters(
        ushort writeAddress, ReadOnlySpan<ushort> writeValues, ushort readAddress, Span<ushort> readValues)
    {
        lock (_lock)
        {
            if (!Fits(_holdingRegisters, writeAddress, writeValues.Length) || !Fits(_holdingRegisters, readAddress, readValues.Length))
            {
                return false;
            }

            writeValues.CopyTo(_holdingRegisters.AsSpan(writeAddress));
            _holdingRegisters.AsSpan(readAddress, readValues.Length).CopyTo(readValues);
        }

        Written?.Invoke(this, new ModbusWriteEventArgs(ModbusTable.HoldingRegisters, writeAddress, writeValues.Length));
        return true;
    }

    private static int CheckSize(int size, string parameter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size, parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 0x10000, parameter);
        return size;
    }

    private static bool Fits<T>(T[] table, ushort address, int count) => address + count <= table.Length;

    private T Get<T>(T[] table, ushort address)
    {
        lock (_lock)
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(address, table.Length, nameof(address));
            return table[address];
        }
    }

    private void GetRange<T>(T[] table, ushort address, Span<T> destination)
    {
        lock (_lock)
        {
            if (!TryReadLocked(table, address, destination))
            {
                throw new ArgumentOutOfRangeException(nameof(address), address, $"{destination.Length} values from {address} pass the end of the table ({table.Length})");
            }
        }
    }

    private void SetRange<T>(T[] table, ushort address, ReadOnlySpan<T> values)
    {
        if (!TryWrite(table, address, values))
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"{values.Length} values from {address} pass the end of the table ({table.Length})");
        }
    }

    private bool TryRead<T>(T[] table, ushort address, Span<T> values)
    {
        lock (_lock)
        {
            return TryReadLocked(table, address, values);
        }
    }

    private static bool TryReadLocked<T>(T[] table, ushort address, Span<T> values)
    {
        if (!Fits(table, address, values.Length))
        {
            return false;
        }

        table.AsSpan(address, values.Length).CopyTo(values);
        return true;
    }

    private bool TryWrite<T>(T[] table, ushort address, ReadOnlySpan<T> values)
    {
        lock (_lock)
        {
            if (!Fits(table, address, values.Length))
            {
                return false;
            }

            values.CopyTo(table.AsSpan(address));
            return true;
        }
    }
}
