namespace Lifeline.Modbus;

/// <summary>
/// A frame or PDU violates the Modbus specification: bad MBAP header, truncated or oversized frame, byte count
/// that does not match the quantity, quantity out of range, or a response that does not match its request.
/// The message names what was wrong.
/// </summary>
public class ModbusProtocolException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModbusProtocolException()
    {
    }

    /// <summary>Creates the exception with a message naming the violation.</summary>
    public ModbusProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModbusProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
