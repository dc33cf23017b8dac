namespace Lifeline.Modbus;

/// <summary>
/// The data behind one unit identifier of a <see cref="ModbusTcpServer"/>. Methods are called concurrently from
/// several connections. A method returns false when any address of the range is outside the store (the server
/// answers <see cref="ModbusExceptionCode.IllegalDataAddress"/>); it may throw <see cref="ModbusException"/> to
/// answer with another code. Any other exception is logged and answered with
/// <see cref="ModbusExceptionCode.ServerDeviceFailure"/>.
/// </summary>
public interface IModbusDataStore
{
    /// <summary>Reads <c>values.Length</c> coils from <paramref name="address"/>.</summary>
    bool TryReadCoils(ushort address, Span<bool> values);

    /// <summary>Reads <c>values.Length</c> discrete inputs from <paramref name="address"/>.</summary>
    bool TryReadDiscreteInputs(ushort address, Span<bool> values);

    /// <summary>Reads <c>values.Length</c> holding registers from <paramref name="address"/>.</summary>
    bool TryReadHoldingRegisters(ushort address, Span<ushort> values);

    /// <summary>Reads <c>values.Length</c> input registers from <paramref name="address"/>.</summary>
    bool TryReadInputRegisters(ushort address, Span<ushort> values);

    /// <summary>Writes coils from <paramref name="address"/> (functions 5 and 15); writes nothing when it returns false.</summary>
    bool TryWriteCoils(ushort address, ReadOnlySpan<bool> values);

    /// <summary>Writes holding registers from <paramref name="address"/> (functions 6 and 16); writes nothing when it returns false.</summary>
    bool TryWriteHoldingRegisters(ushort address, ReadOnlySpan<ushort> values);

    /// <summary>
    /// Function 23: writes <paramref name="writeValues"/> at <paramref name="writeAddress"/>, then reads
    /// <paramref name="readValues"/> from <paramref name="readAddress"/>. Writes nothing when it returns false.
    /// </summary>
    bool TryWriteReadHoldingRegisters(ushort writeAddress, ReadOnlySpan<ushort> writeValues, ushort readAddress, Span<ushort> readValues);
}
