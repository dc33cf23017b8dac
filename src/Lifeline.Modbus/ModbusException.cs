namespace Lifeline.Modbus;

/// <summary>
/// The device answered with a Modbus exception response: it received the request and refused it. Retrying the
/// same request rarely helps, except for <see cref="ModbusExceptionCode.ServerDeviceBusy"/>,
/// <see cref="ModbusExceptionCode.Acknowledge"/> and the gateway codes.
/// </summary>
/// <remarks>A data store behind <see cref="ModbusTcpServer"/> may also throw it to answer with a given code.</remarks>
public class ModbusException : Exception
{
    /// <summary>Creates the exception for an exception response from <paramref name="unitId"/> to <paramref name="function"/>.</summary>
    public ModbusException(ModbusExceptionCode exceptionCode, ModbusFunctionCode function, byte unitId)
        : base($"unit {unitId} answered {function.Describe()} with exception {exceptionCode.Describe()}")
    {
        ExceptionCode = exceptionCode;
        Function = function;
        UnitId = unitId;
    }

    /// <summary>Creates the exception with a code and a message of your own.</summary>
    public ModbusException(ModbusExceptionCode exceptionCode, string message)
        : base(message)
    {
        ExceptionCode = exceptionCode;
    }

    /// <summary>Creates the exception with <see cref="ModbusExceptionCode.ServerDeviceFailure"/>.</summary>
    public ModbusException()
        : this(ModbusExceptionCode.ServerDeviceFailure, "the server device failed")
    {
    }

    /// <summary>Creates the exception with <see cref="ModbusExceptionCode.ServerDeviceFailure"/> and a message.</summary>
    public ModbusException(string message)
        : this(ModbusExceptionCode.ServerDeviceFailure, message)
    {
    }

    /// <summary>Creates the exception with <see cref="ModbusExceptionCode.ServerDeviceFailure"/>, a message and a cause.</summary>
    public ModbusException(string message, Exception innerException)
        : base(message, innerException)
    {
        ExceptionCode = ModbusExceptionCode.ServerDeviceFailure;
    }

    /// <summary>The exception code of the response.</summary>
    public ModbusExceptionCode ExceptionCode { get; }

    /// <summary>The function of the refused request (without the 0x80 flag).</summary>
    public ModbusFunctionCode Function { get; }

    /// <summary>The unit identifier the request went to.</summary>
    public byte UnitId { get; }
}
