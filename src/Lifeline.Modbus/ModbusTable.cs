namespace Lifeline.Modbus;

/// <summary>The four tables of the Modbus data model (Modbus Application Protocol v1.1b3, section 4.3).</summary>
public enum ModbusTable
{
    /// <summary>Read/write bits (functions 1, 5, 15).</summary>
    Coils,

    /// <summary>Read-only bits (function 2).</summary>
    DiscreteInputs,

    /// <summary>Read/write 16-bit registers (functions 3, 6, 16, 23).</summary>
    HoldingRegisters,

    /// <summary>Read-only 16-bit registers (function 4).</summary>
    InputRegisters,
}
