using System.Buffers.Binary;

namespace Lifeline.Modbus;

/// <summary>
/// Converts register words to typed values and back, in any <see cref="ModbusByteOrder"/>. Registers are the
/// 16-bit words as a read returns them (high byte first on the wire).
/// </summary>
public static class ModbusRegisters
{
    /// <summary>How many registers a value of <paramref name="type"/> occupies: 1 or 2.</summary>
    public static int Count(ModbusDataType type) => type switch
    {
        ModbusDataType.Bool or ModbusDataType.Int16 or ModbusDataType.UInt16 => 1,
        ModbusDataType.Int32 or ModbusDataType.UInt32 or ModbusDataType.Float32 => 2,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown data type"),
    };

    /// <summary>Reads a flag from one register: true unless the register is 0.</summary>
    public static bool ToBoolean(ReadOnlySpan<ushort> registers) => registers[0] != 0;

    /// <summary>Reads an unsigned 16-bit value from one register.</summary>
    public static ushort ToUInt16(ReadOnlySpan<ushort> registers, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        SwapsBytes(order) ? BinaryPrimitives.ReverseEndianness(registers[0]) : registers[0];

    /// <summary>Reads a signed 16-bit value from one register.</summary>
    public static short ToInt16(ReadOnlySpan<ushort> registers, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        unchecked((short)ToUInt16(registers, order));

    /// <summary>Reads an unsigned 32-bit value from two registers.</summary>
    public static uint ToUInt32(ReadOnlySpan<ushort> registers, ModbusByteOrder order = ModbusByteOrder.ABCD)
    {
        if (registers.Length < 2)
        {
            throw new ArgumentException("a 32-bit value needs two registers", nameof(registers));
        }

        var (high, low) = SwapsWords(order) ? (registers[1], registers[0]) : (registers[0], registers[1]);
        if (SwapsBytes(order))
        {
            high = BinaryPrimitives.ReverseEndianness(high);
            low = BinaryPrimitives.ReverseEndianness(low);
        }

        return ((uint)high << 16) | low;
    }

    /// <summary>Reads a signed 32-bit value from two registers.</summary>
    public static int ToInt32(ReadOnlySpan<ushort> registers, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        unchecked((int)ToUInt32(registers, order));

    /// <summary>Reads an IEEE 754 single-precision value from two registers.</summary>
    public static float ToSingle(ReadOnlySpan<ushort> registers, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        BitConverter.UInt32BitsToSingle(ToUInt32(registers, order));

    /// <summary>Writes a flag into one register: 1 or 0.</summary>
    public static void FromBoolean(bool value, Span<ushort> destination) => destination[0] = value ? (ushort)1 : (ushort)0;

    /// <summary>Writes an unsigned 16-bit value into one register.</summary>
    public static void FromUInt16(ushort value, Span<ushort> destination, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        destination[0] = SwapsBytes(order) ? BinaryPrimitives.ReverseEndianness(value) : value;

    /// <summary>Writes a signed 16-bit value into one register.</summary>
    public static void FromInt16(short value, Span<ushort> destination, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        FromUInt16(unchecked((ushort)value), destination, order);

    /// <summary>Writes an unsigned 32-bit value into two registers.</summary>
    public static void FromUInt32(uint value, Span<ushort> destination, ModbusByteOrder order = ModbusByteOrder.ABCD)
    {
        if (destination.Length < 2)
        {
            throw new ArgumentException("a 32-bit value needs two registers", nameof(destination));
        }

        var high = (ushort)(value >> 16);
        var low = (ushort)value;
        if (SwapsBytes(order))
        {
            high = BinaryPrimitives.ReverseEndianness(high);
            low = BinaryPrimitives.ReverseEndianness(low);
        }

        (destination[0], destination[1]) = SwapsWords(order) ? (low, high) : (high, low);
    }

    /// <summary>Writes a signed 32-bit value into two registers.</summary>
    public static void FromInt32(int value, Span<ushort> destination, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        FromUInt32(unchecked((uint)value), destination, order);

    /// <summary>Writes an IEEE 754 single-precision value into two registers.</summary>
    public static void FromSingle(float value, Span<ushort> destination, ModbusByteOrder order = ModbusByteOrder.ABCD) =>
        FromUInt32(BitConverter.SingleToUInt32Bits(value), destination, order);

    private static bool SwapsWords(ModbusByteOrder order) => order switch
    {
        ModbusByteOrder.ABCD or ModbusByteOrder.BADC => false,
        ModbusByteOrder.CDAB or ModbusByteOrder.DCBA => true,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "unknown byte order"),
    };

    private static bool SwapsBytes(ModbusByteOrder order) => order switch
    {
        ModbusByteOrder.ABCD or ModbusByteOrder.CDAB => false,
        ModbusByteOrder.BADC or ModbusByteOrder.DCBA => true,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "unknown byte order"),
    };
}
