namespace Lifeline.Modbus;

/// <summary>A Modbus client wrote coils or holding registers of a <see cref="ModbusDataStore"/>.</summary>
public sealed class ModbusWriteEventArgs(ModbusTable table, ushort address, int count) : EventArgs
{
    /// <summary><see cref="ModbusTable.Coils"/> or <see cref="ModbusTable.HoldingRegisters"/>.</summary>
    public ModbusTable Table { get; } = table;

    /// <summary>First address written.</summary>
    public ushort Address { get; } = address;

    /// <summary>Number of coils or registers written.</summary>
    public int Count { get; } = count;
}
