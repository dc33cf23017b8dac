namespace Lifeline.Modbus;

/// <summary>
/// No response arrived in time (or the connection could not be made in time). Only the request that timed out
/// fails; the connection and other requests on it carry on.
/// </summary>
public class ModbusTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public ModbusTimeoutException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ModbusTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public ModbusTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
