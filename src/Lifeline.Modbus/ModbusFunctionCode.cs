namespace Lifeline.Modbus;

/// <summary>The Modbus function codes this library implements (Modbus Application Protocol v1.1b3, section 6).</summary>
public enum ModbusFunctionCode : byte
{
    /// <summary>0x01: read 1 to 2000 coils (read/write bits).</summary>
    ReadCoils = 0x01,

    /// <summary>0x02: read 1 to 2000 discrete inputs (read-only bits).</summary>
    ReadDiscreteInputs = 0x02,

    /// <summary>0x03: read 1 to 125 holding registers (read/write 16-bit words).</summary>
    ReadHoldingRegisters = 0x03,

    /// <summary>0x04: read 1 to 125 input registers (read-only 16-bit words).</summary>
    ReadInputRegisters = 0x04,

    /// <summary>0x05: switch one coil on (0xFF00) or off (0x0000).</summary>
    WriteSingleCoil = 0x05,

    /// <summary>0x06: write one holding register.</summary>
    WriteSingleRegister = 0x06,

    /// <summary>0x0F: write 1 to 1968 coils.</summary>
    WriteMultipleCoils = 0x0F,

    /// <summary>0x10: write 1 to 123 holding registers.</summary>
    WriteMultipleRegisters = 0x10,

    /// <summary>0x17: write 1 to 121 holding registers, then read 1 to 125, in one transaction.</summary>
    ReadWriteMultipleRegisters = 0x17,
}
