using System.Buffers.Binary;

namespace Lifeline.Modbus;

/// <summary>
/// A request PDU decoded by <see cref="ModbusPdu.DecodeRequest"/>, already checked against the specification.
/// Reads (functions 1–4) set the read fields, writes (5, 6, 15, 16) the write fields, function 23 both; the
/// others are 0. The values to write still point into the received bytes.
/// </summary>
public readonly ref struct ModbusRequest
{
    private readonly ReadOnlySpan<byte> _values;

    internal ModbusRequest(
        ModbusFunctionCode function,
        ushort readAddress,
        ushort readQuantity,
        ushort writeAddress,
        ushort writeQuantity,
        ReadOnlySpan<byte> values)
    {
        Function = function;
        ReadAddress = readAddress;
        ReadQuantity = readQuantity;
        WriteAddress = writeAddress;
        WriteQuantity = writeQuantity;
        _values = values;
    }

    /// <summary>The function requested.</summary>
    public ModbusFunctionCode Function { get; }

    /// <summary>First address to read (functions 1–4 and 23).</summary>
    public ushort ReadAddress { get; }

    /// <summary>Number of bits or registers to read (functions 1–4 and 23).</summary>
    public ushort ReadQuantity { get; }

    /// <summary>First address to write (functions 5, 6, 15, 16 and 23).</summary>
    public ushort WriteAddress { get; }

    /// <summary>Number of coils or registers to write: 1 for functions 5 and 6.</summary>
    public ushort WriteQuantity { get; }

    /// <summary>Copies the coil values of a function 5 or 15 request; <paramref name="destination"/> holds <see cref="WriteQuantity"/> values.</summary>
    public void CopyWriteCoils(Span<bool> destination)
    {
        if (Function is not (ModbusFunctionCode.WriteSingleCoil or ModbusFunctionCode.WriteMultipleCoils))
        {
            throw new InvalidOperationException($"{Function.Describe()} carries no coil values");
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, WriteQuantity, nameof(destination));
        if (Function == ModbusFunctionCode.WriteSingleCoil)
        {
            destination[0] = BinaryPrimitives.ReadUInt16BigEndian(_values) == ModbusPdu.CoilOn;
        }
        else
        {
            ModbusPdu.UnpackBits(_values, destination);
        }
    }

    /// <summary>Copies the register values of a function 6, 16 or 23 request; <paramref name="destination"/> holds <see cref="WriteQuantity"/> values.</summary>
    public void CopyWriteRegisters(Span<ushort> destination)
    {
        if (Function is not (ModbusFunctionCode.WriteSingleRegister or ModbusFunctionCode.WriteMultipleRegisters
            or ModbusFunctionCode.ReadWriteMultipleRegisters))
        {
            throw new InvalidOperationException($"{Function.Describe()} carries no register values");
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, WriteQuantity, nameof(destination));
        ModbusPdu.ReadRegisters(_values, destination);
    }
}
