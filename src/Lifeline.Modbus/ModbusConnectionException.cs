namespace Lifeline.Modbus;

/// <summary>
/// The TCP connection to the device could not be made or was lost (closed by the peer, a socket error, or closed
/// because the peer sent a malformed frame). The request may or may not have reached the device. A
/// <see cref="ModbusTcpClient"/> that threw it is finished: dispose it and connect a new one.
/// </summary>
public class ModbusConnectionException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ModbusConnectionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModbusConnectionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModbusConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
