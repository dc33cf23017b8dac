using System.Buffers.Binary;

namespace Lifeline.Modbus;

/// <summary>
/// Encodes and decodes PDUs (function code and data, without the MBAP header) of functions 1–6, 15, 16 and 23
/// as the Modbus Application Protocol v1.1b3 (section 6) lays them out. Multi-byte fields are big-endian; bits
/// are packed eight to a byte, the first bit in the least significant position.
/// </summary>
/// <remarks>
/// A client encodes requests and decodes responses; a server decodes requests and encodes responses. Encoders
/// write into a caller's span (<see cref="ModbusLimits.MaxPduLength"/> bytes always suffice) and return the bytes
/// written; they throw <see cref="ArgumentException"/> for values no valid PDU can carry. Decoders throw
/// <see cref="ModbusProtocolException"/>, naming the fault, for anything the specification does not allow.
/// </remarks>
public static class ModbusPdu
{
    /// <summary>The value that switches a coil on in function 5.</summary>
    public const ushort CoilOn = 0xFF00;

    /// <summary>The value that switches a coil off in function 5.</summary>
    public const ushort CoilOff = 0x0000;

    /// <summary>The bit a server sets in the function code of an exception response.</summary>
    public const byte ExceptionFlag = 0x80;

    /// <summary>Whether this library implements <paramref name="function"/>.</summary>
    public static bool IsSupported(ModbusFunctionCode function) => function is ModbusFunctionCode.ReadCoils
        or ModbusFunctionCode.ReadDiscreteInputs or ModbusFunctionCode.ReadHoldingRegisters
        or ModbusFunctionCode.ReadInputRegisters or ModbusFunctionCode.WriteSingleCoil
        or ModbusFunctionCode.WriteSingleRegister or ModbusFunctionCode.WriteMultipleCoils
        or ModbusFunctionCode.WriteMultipleRegisters or ModbusFunctionCode.ReadWriteMultipleRegisters;

    // ----- Requests: the client encodes them -----

    /// <summary>Encodes a read request of function 1, 2, 3 or 4.</summary>
    public static int EncodeReadRequest(Span<byte> destination, ModbusFunctionCode function, ushort address, ushort quantity)
    {
        var max = function switch
        {
            ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs => ModbusLimits.MaxReadBits,
            ModbusFunctionCode.ReadHoldingRegisters or ModbusFunctionCode.ReadInputRegisters => ModbusLimits.MaxReadRegisters,
            _ => throw new ArgumentException($"{function.Describe()} is not a read function", nameof(function)),
        };
        CheckArgument(address, quantity, max, nameof(quantity));
        var pdu = Take(destination, 5);
        pdu[0] = (byte)function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], quantity);
        return pdu.Length;
    }

    /// <summary>Encodes a function 5 request: the coil at <paramref name="address"/> on or off.</summary>
    public static int EncodeWriteSingleCoilRequest(Span<byte> destination, ushort address, bool value) =>
        EncodeAddressAndValue(destination, ModbusFunctionCode.WriteSingleCoil, address, value ? CoilOn : CoilOff);

    /// <summary>Encodes a function 6 request: one holding register.</summary>
    public static int EncodeWriteSingleRegisterRequest(Span<byte> destination, ushort address, ushort value) =>
        EncodeAddressAndValue(destination, ModbusFunctionCode.WriteSingleRegister, address, value);

    /// <summary>Encodes a function 15 request: 1 to 1968 coils from <paramref name="address"/>.</summary>
    public static int EncodeWriteMultipleCoilsRequest(Span<byte> destination, ushort address, ReadOnlySpan<bool> values)
    {
        CheckArgument(address, values.Length, ModbusLimits.MaxWriteBits, nameof(values));
        var byteCount = BitBytes(values.Length);
        var pdu = Take(destination, 6 + byteCount);
        pdu[0] = (byte)ModbusFunctionCode.WriteMultipleCoils;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)byteCount;
        PackBits(values, pdu[6..]);
        return pdu.Length;
    }

    /// <summary>Encodes a function 16 request: 1 to 123 holding registers from <paramref name="address"/>.</summary>
    public static int EncodeWriteMultipleRegistersRequest(Span<byte> destination, ushort address, ReadOnlySpan<ushort> values)
    {
        CheckArgument(address, values.Length, ModbusLimits.MaxWriteRegisters, nameof(values));
        var pdu = Take(destination, 6 + (2 * values.Length));
        pdu[0] = (byte)ModbusFunctionCode.WriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], (ushort)values.Length);
        pdu[5] = (byte)(2 * values.Length);
        WriteRegisters(values, pdu[6..]);
        return pdu.Length;
    }

    /// <summary>
    /// Encodes a function 23 request: write 1 to 121 registers at <paramref name="writeAddress"/>, then read 1 to 125
    /// from <paramref name="readAddress"/>.
    /// </summary>
    public static int EncodeReadWriteMultipleRegistersRequest(
        Span<byte> destination, ushort readAddress, ushort readQuantity, ushort writeAddress, ReadOnlySpan<ushort> values)
    {
        CheckArgument(readAddress, readQuantity, ModbusLimits.MaxReadWriteReadRegisters, nameof(readQuantity));
        CheckArgument(writeAddress, values.Length, ModbusLimits.MaxReadWriteWriteRegisters, nameof(values));
        var pdu = Take(destination, 10 + (2 * values.Length));
        pdu[0] = (byte)ModbusFunctionCode.ReadWriteMultipleRegisters;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], readAddress);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], readQuantity);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[5..], writeAddress);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[7..], (ushort)values.Length);
        pdu[9] = (byte)(2 * values.Length);
        WriteRegisters(values, pdu[10..]);
        return pdu.Length;
    }

    // ----- Requests: the server decodes them -----

    /// <summary>Decodes and checks a request PDU.</summary>
    /// <exception cref="ModbusProtocolException">
    /// Unsupported function, wrong PDU length, quantity out of range, byte count that does not match the quantity,
    /// or a coil value other than 0xFF00/0x0000. A server answers these with
    /// <see cref="ModbusExceptionCode.IllegalFunction"/> (check <see cref="IsSupported"/> first) or
    /// <see cref="ModbusExceptionCode.IllegalDataValue"/>.
    /// </exception>
    public static ModbusRequest DecodeRequest(ReadOnlySpan<byte> pdu)
    {
        if (pdu.IsEmpty)
        {
            throw new ModbusProtocolException("empty PDU: no function code");
        }

        var function = (ModbusFunctionCode)pdu[0];
        switch (function)
        {
            case ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs
                or ModbusFunctionCode.ReadHoldingRegisters or ModbusFunctionCode.ReadInputRegisters:
            {
                ExpectLength(pdu, 5, function, "request");
                var max = function is ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs
                    ? ModbusLimits.MaxReadBits
                    : ModbusLimits.MaxReadRegisters;
                var quantity = ReadQuantity(pdu[3..], max, function, "quantity");
                return new ModbusRequest(function, BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), quantity, 0, 0, default);
            }

            case ModbusFunctionCode.WriteSingleCoil:
            {
                ExpectLength(pdu, 5, function, "request");
                var value = BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]);
                if (value is not (CoilOn or CoilOff))
                {
                    throw new ModbusProtocolException(
                        $"{function.Describe()}: coil value 0x{value:X4} is neither 0xFF00 (on) nor 0x0000 (off)");
                }

                return new ModbusRequest(function, 0, 0, BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), 1, pdu.Slice(3, 2));
            }

            case ModbusFunctionCode.WriteSingleRegister:
                ExpectLength(pdu, 5, function, "request");
                return new ModbusRequest(function, 0, 0, BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), 1, pdu.Slice(3, 2));

            case ModbusFunctionCode.WriteMultipleCoils or ModbusFunctionCode.WriteMultipleRegisters:
            {
                ExpectAtLeast(pdu, 6, function);
                var coils = function == ModbusFunctionCode.WriteMultipleCoils;
                var quantity = ReadQuantity(pdu[3..], coils ? ModbusLimits.MaxWriteBits : ModbusLimits.MaxWriteRegisters, function, "quantity");
                var values = ReadValues(pdu, 5, coils ? BitBytes(quantity) : 2 * quantity, quantity, function);
                return new ModbusRequest(function, 0, 0, BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), quantity, values);
            }

            case ModbusFunctionCode.ReadWriteMultipleRegisters:
            {
                ExpectAtLeast(pdu, 10, function);
                var readQuantity = ReadQuantity(pdu[3..], ModbusLimits.MaxReadWriteReadRegisters, function, "read quantity");
                var writeQuantity = ReadQuantity(pdu[7..], ModbusLimits.MaxReadWriteWriteRegisters, function, "write quantity");
                var values = ReadValues(pdu, 9, 2 * writeQuantity, writeQuantity, function);
                return new ModbusRequest(
                    function,
                    BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]),
                    readQuantity,
                    BinaryPrimitives.ReadUInt16BigEndian(pdu[5..]),
                    writeQuantity,
                    values);
            }

            default:
                throw new ModbusProtocolException($"function code 0x{pdu[0]:X2} is not supported");
        }
    }

    // ----- Responses: the server encodes them -----

    /// <summary>Encodes the response to function 1 or 2: the bits read.</summary>
    public static int EncodeReadBitsResponse(Span<byte> destination, ModbusFunctionCode function, ReadOnlySpan<bool> values)
    {
        if (function is not (ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs))
        {
            throw new ArgumentException($"{function.Describe()} does not read bits", nameof(function));
        }

        CheckCount(values.Length, ModbusLimits.MaxReadBits, nameof(values));
        var byteCount = BitBytes(values.Length);
        var pdu = Take(destination, 2 + byteCount);
        pdu[0] = (byte)function;
        pdu[1] = (byte)byteCount;
        PackBits(values, pdu[2..]);
        return pdu.Length;
    }

    /// <summary>Encodes the response to function 3, 4 or 23: the registers read.</summary>
    public static int EncodeReadRegistersResponse(Span<byte> destination, ModbusFunctionCode function, ReadOnlySpan<ushort> values)
    {
        if (function is not (ModbusFunctionCode.ReadHoldingRegisters or ModbusFunctionCode.ReadInputRegisters
            or ModbusFunctionCode.ReadWriteMultipleRegisters))
        {
            throw new ArgumentException($"{function.Describe()} does not read registers", nameof(function));
        }

        CheckCount(values.Length, ModbusLimits.MaxReadRegisters, nameof(values));
        var pdu = Take(destination, 2 + (2 * values.Length));
        pdu[0] = (byte)function;
        pdu[1] = (byte)(2 * values.Length);
        WriteRegisters(values, pdu[2..]);
        return pdu.Length;
    }

    /// <summary>
    /// Encodes the response to function 5, 6, 15 or 16, which echoes the address and the value written (5: 0xFF00 or
    /// 0x0000; 6: the register) or the quantity written (15, 16).
    /// </summary>
    public static int EncodeWriteResponse(Span<byte> destination, ModbusFunctionCode function, ushort address, ushort value)
    {
        switch (function)
        {
            case ModbusFunctionCode.WriteSingleCoil when value is not (CoilOn or CoilOff):
                throw new ArgumentOutOfRangeException(nameof(value), value, "a coil value is 0xFF00 or 0x0000");
            case ModbusFunctionCode.WriteMultipleCoils:
                CheckArgument(address, value, ModbusLimits.MaxWriteBits, nameof(value));
                break;
            case ModbusFunctionCode.WriteMultipleRegisters:
                CheckArgument(address, value, ModbusLimits.MaxWriteRegisters, nameof(value));
                break;
            case ModbusFunctionCode.WriteSingleCoil or ModbusFunctionCode.WriteSingleRegister:
                break;
            default:
                throw new ArgumentException($"{function.Describe()} is not a write function", nameof(function));
        }

        return EncodeAddressAndValue(destination, function, address, value);
    }

    /// <summary>Encodes an exception response: the function code with 0x80 set, then the exception code.</summary>
    public static int EncodeExceptionResponse(Span<byte> destination, ModbusFunctionCode function, ModbusExceptionCode code)
    {
        var pdu = Take(destination, 2);
        pdu[0] = (byte)((byte)function | ExceptionFlag);
        pdu[1] = (byte)code;
        return pdu.Length;
    }

    // ----- Responses: the client decodes them -----

    /// <summary>
    /// Recognises an exception response (function code with 0x80 set) and returns its function (without the flag)
    /// and exception code; returns false for any other PDU.
    /// </summary>
    /// <exception cref="ModbusProtocolException">An exception response that is not exactly 2 bytes.</exception>
    public static bool TryDecodeException(ReadOnlySpan<byte> pdu, out ModbusFunctionCode function, out ModbusExceptionCode code)
    {
        function = default;
        code = default;
        if (pdu.IsEmpty || (pdu[0] & ExceptionFlag) == 0)
        {
            return false;
        }

        if (pdu.Length != 2)
        {
            throw new ModbusProtocolException($"exception response of {pdu.Length} bytes, 2 expected");
        }

        function = (ModbusFunctionCode)(pdu[0] & ~ExceptionFlag);
        code = (ModbusExceptionCode)pdu[1];
        return true;
    }

    /// <summary>Decodes the response to function 1 or 2 into <paramref name="destination"/>, which holds as many bits as were requested.</summary>
    public static void DecodeReadBitsResponse(ReadOnlySpan<byte> pdu, ModbusFunctionCode function, Span<bool> destination)
    {
        CheckCount(destination.Length, ModbusLimits.MaxReadBits, nameof(destination));
        ExpectFunction(pdu, function);
        var data = ReadByteCount(pdu, BitBytes(destination.Length), $"{destination.Length} bits", function);
        UnpackBits(data, destination);
    }

    /// <summary>Decodes the response to function 3, 4 or 23 into <paramref name="destination"/>, which holds as many registers as were requested.</summary>
    public static void DecodeReadRegistersResponse(ReadOnlySpan<byte> pdu, ModbusFunctionCode function, Span<ushort> destination)
    {
        CheckCount(destination.Length, ModbusLimits.MaxReadRegisters, nameof(destination));
        ExpectFunction(pdu, function);
        var data = ReadByteCount(pdu, 2 * destination.Length, $"{destination.Length} registers", function);
        ReadRegisters(data, destination);
    }

    /// <summary>
    /// Decodes the response to function 5, 6, 15 or 16: the address and value (5, 6) or quantity (15, 16) it echoes.
    /// </summary>
    public static (ushort Address, ushort Value) DecodeWriteResponse(ReadOnlySpan<byte> pdu, ModbusFunctionCode function)
    {
        ExpectFunction(pdu, function);
        ExpectLength(pdu, 5, function, "response");
        return (BinaryPrimitives.ReadUInt16BigEndian(pdu[1..]), BinaryPrimitives.ReadUInt16BigEndian(pdu[3..]));
    }

    // ----- Helpers -----

    internal static void PackBits(ReadOnlySpan<bool> values, Span<byte> destination)
    {
        destination[..BitBytes(values.Length)].Clear();
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i])
            {
                destination[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    internal static void UnpackBits(ReadOnlySpan<byte> source, Span<bool> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (source[i >> 3] & (1 << (i & 7))) != 0;
        }
    }

    internal static void ReadRegisters(ReadOnlySpan<byte> source, Span<ushort> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = BinaryPrimitives.ReadUInt16BigEndian(source[(2 * i)..]);
        }
    }

    private static void WriteRegisters(ReadOnlySpan<ushort> values, Span<byte> destination)
    {
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(2 * i)..], values[i]);
        }
    }

    private static int BitBytes(int bits) => (bits + 7) / 8;

    private static int EncodeAddressAndValue(Span<byte> destination, ModbusFunctionCode function, ushort address, ushort value)
    {
        var pdu = Take(destination, 5);
        pdu[0] = (byte)function;
        BinaryPrimitives.WriteUInt16BigEndian(pdu[1..], address);
        BinaryPrimitives.WriteUInt16BigEndian(pdu[3..], value);
        return pdu.Length;
    }

    private static Span<byte> Take(Span<byte> destination, int length)
    {
        if (destination.Length < length)
        {
            throw new ArgumentException($"the PDU needs {length} bytes, the destination holds {destination.Length}", nameof(destination));
        }

        return destination[..length];
    }

    private static void CheckCount(int count, int max, string parameter)
    {
        if (count < 1 || count > max)
        {
            throw new ArgumentOutOfRangeException(parameter, count, $"quantity must be 1 to {max}");
        }
    }

    private static void CheckArgument(ushort address, int count, int max, string parameter)
    {
        CheckCount(count, max, parameter);
        if (address + count > 0x10000)
        {
            throw new ArgumentOutOfRangeException(parameter, count, $"address {address} + quantity {count} passes the end of the address space (65535)");
        }
    }

    private static ushort ReadQuantity(ReadOnlySpan<byte> source, int max, ModbusFunctionCode function, string name)
    {
        var quantity = BinaryPrimitives.ReadUInt16BigEndian(source);
        if (quantity < 1 || quantity > max)
        {
            throw new ModbusProtocolException($"{function.Describe()}: {name} {quantity} is out of range 1..{max}");
        }

        return quantity;
    }

    /// <summary>Checks the byte count at <paramref name="byteCountOffset"/> and returns the values that follow it.</summary>
    private static ReadOnlySpan<byte> ReadValues(ReadOnlySpan<byte> pdu, int byteCountOffset, int expected, int quantity, ModbusFunctionCode function)
    {
        var byteCount = pdu[byteCountOffset];
        if (byteCount != expected)
        {
            throw new ModbusProtocolException(
                $"{function.Describe()}: byte count {byteCount} does not match quantity {quantity} ({expected} bytes expected)");
        }

        var values = pdu[(byteCountOffset + 1)..];
        if (values.Length != byteCount)
        {
            throw new ModbusProtocolException(
                $"{function.Describe()}: byte count {byteCount}, but the PDU carries {values.Length} value bytes");
        }

        return values;
    }

    private static ReadOnlySpan<byte> ReadByteCount(ReadOnlySpan<byte> pdu, int expected, string requested, ModbusFunctionCode function)
    {
        ExpectAtLeast(pdu, 2, function);
        var byteCount = pdu[1];
        if (byteCount != expected)
        {
            throw new ModbusProtocolException(
                $"{function.Describe()} response: byte count {byteCount} does not match the {requested} requested ({expected} bytes expected)");
        }

        var data = pdu[2..];
        if (data.Length != byteCount)
        {
            throw new ModbusProtocolException(
                $"{function.Describe()} response: byte count {byteCount}, but the PDU carries {data.Length} data bytes");
        }

        return data;
    }

    private static void ExpectFunction(ReadOnlySpan<byte> pdu, ModbusFunctionCode function)
    {
        if (pdu.IsEmpty)
        {
            throw new ModbusProtocolException($"empty PDU, {function.Describe()} response expected");
        }

        if (pdu[0] != (byte)function)
        {
            throw new ModbusProtocolException($"function code 0x{pdu[0]:X2} in the response, {function.Describe()} expected");
        }
    }

    private static void ExpectLength(ReadOnlySpan<byte> pdu, int length, ModbusFunctionCode function, string what)
    {
        if (pdu.Length != length)
        {
            throw new ModbusProtocolException($"{function.Describe()} {what} of {pdu.Length} bytes, {length} expected");
        }
    }

    private static void ExpectAtLeast(ReadOnlySpan<byte> pdu, int length, ModbusFunctionCode function)
    {
        if (pdu.Length < length)
        {
            throw new ModbusProtocolException($"truncated {function.Describe()} PDU: {pdu.Length} bytes, at least {length} expected");
        }
    }
}
