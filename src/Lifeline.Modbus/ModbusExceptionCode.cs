namespace Lifeline.Modbus;

/// <summary>
/// The exception code a server puts in an exception response (function code | 0x80) when it cannot carry out a
/// request (Modbus Application Protocol v1.1b3, section 7).
/// </summary>
public enum ModbusExceptionCode : byte
{
    /// <summary>0x01: the function code is not supported by the server.</summary>
    IllegalFunction = 0x01,

    /// <summary>0x02: the address range (start address + quantity) is not available on the server.</summary>
    IllegalDataAddress = 0x02,

    /// <summary>0x03: a value in the request is not allowed (quantity out of range, wrong byte count, bad coil value).</summary>
    IllegalDataValue = 0x03,

    /// <summary>0x04: an unrecoverable error occurred while the server was performing the action.</summary>
    ServerDeviceFailure = 0x04,

    /// <summary>0x05: the server accepted a long-running request and is processing it.</summary>
    Acknowledge = 0x05,

    /// <summary>0x06: the server is busy with a long-running command; the client should retry later.</summary>
    ServerDeviceBusy = 0x06,

    /// <summary>0x08: the server found a parity error in its extended memory.</summary>
    MemoryParityError = 0x08,

    /// <summary>0x0A: a gateway has no path to the target device (misconfigured or overloaded gateway).</summary>
    GatewayPathUnavailable = 0x0A,

    /// <summary>0x0B: a gateway got no answer from the target device (the device is absent or offline).</summary>
    GatewayTargetFailedToRespond = 0x0B,
}
