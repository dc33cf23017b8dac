namespace Lifeline.Modbus;

/// <summary>The type of a value kept in one or two registers.</summary>
public enum ModbusDataType
{
    /// <summary>A flag in one register: any value other than 0 is true.</summary>
    Bool,

    /// <summary>Signed 16-bit integer, one register.</summary>
    Int16,

    /// <summary>Unsigned 16-bit integer, one register.</summary>
    UInt16,

    /// <summary>Signed 32-bit integer, two registers.</summary>
    Int32,

    /// <summary>Unsigned 32-bit integer, two registers.</summary>
    UInt32,

    /// <summary>IEEE 754 single-precision float, two registers.</summary>
    Float32,
}
