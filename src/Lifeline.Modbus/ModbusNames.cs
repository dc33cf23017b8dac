namespace Lifeline.Modbus;

/// <summary>Readable names of codes for messages and logs: the name and the hexadecimal value engineers look up.</summary>
internal static class ModbusNames
{
    public static string Describe(this ModbusFunctionCode function) => $"{function} (0x{(byte)function:X2})";

    public static string Describe(this ModbusExceptionCode code) => $"{code} (0x{(byte)code:X2})";
}
