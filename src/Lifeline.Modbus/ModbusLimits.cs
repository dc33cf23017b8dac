namespace Lifeline.Modbus;

/// <summary>
/// Size limits of Modbus TCP. The quantity limits follow from the 253-byte PDU (Modbus Application Protocol
/// v1.1b3, section 4.1 and section 6).
/// </summary>
public static class ModbusLimits
{
    /// <summary>Largest Modbus TCP frame: 7-byte MBAP header plus 253-byte PDU.</summary>
    public const int MaxAduLength = 260;

    /// <summary>Largest PDU (function code and data).</summary>
    public const int MaxPduLength = 253;

    /// <summary>Most coils or discrete inputs one read request may ask for (functions 1 and 2).</summary>
    public const int MaxReadBits = 2000;

    /// <summary>Most holding or input registers one read request may ask for (functions 3 and 4).</summary>
    public const int MaxReadRegisters = 125;

    /// <summary>Most coils one write request may carry (function 15).</summary>
    public const int MaxWriteBits = 1968;

    /// <summary>Most registers one write request may carry (function 16).</summary>
    public const int MaxWriteRegisters = 123;

    /// <summary>Most registers the read part of function 23 may ask for.</summary>
    public const int MaxReadWriteReadRegisters = 125;

    /// <summary>Most registers the write part of function 23 may carry.</summary>
    public const int MaxReadWriteWriteRegisters = 121;
}
