using Lifeline.Modbus;

namespace Lifeline.Simulation.Modbus;

/// <summary>
/// Encodes an engineering value into a point's registers the way a real transmitter would: rounded to the register's
/// resolution, saturated at the raw type's limits, and never decoding outside the channel's physical range (a value
/// at the top of the range must not read back a rounding step above it and be rejected by the master).
/// </summary>
internal static class SlaveEncoding
{
    /// <summary>Most single-step nudges tried to bring a rounded value back inside the range.</summary>
    private const int MaxNudges = 8;

    public static void Encode(ModbusValueFormat format, double value, double min, double max, Span<ushort> registers)
    {
        if (format.DataType == ModbusDataType.Bool)
        {
            ModbusRegisters.FromBoolean(value != 0, registers);
            return;
        }

        if (!double.IsFinite(value))
        {
            value = min;
        }

        if (min <= max)
        {
            value = Math.Clamp(value, min, max);
        }

        var raw = (value - format.Offset) / format.Scale;
        if (format.DataType == ModbusDataType.Float32)
        {
            var single = (float)Math.Clamp(raw, float.MinValue, float.MaxValue);
            for (var i = 0; ; i++)
            {
                ModbusRegisters.FromSingle(single, registers, format.ByteOrder);
                var decoded = format.Decode(registers);
                if (i == MaxNudges || (decoded >= min && decoded <= max))
                {
                    return;
                }

                // Decoded too high: move the raw value so that raw × scale falls (and the reverse when too low).
                single = (decoded > max) == (format.Scale > 0) ? MathF.BitDecrement(single) : MathF.BitIncrement(single);
            }
        }

        var (lowest, highest) = Limits(format.DataType);
        var integer = Math.Clamp(Math.Round(raw, MidpointRounding.AwayFromZero), lowest, highest);
        for (var i = 0; ; i++)
        {
            WriteInteger(format, integer, registers);
            var decoded = format.Decode(registers);
            if (i == MaxNudges || (decoded >= min && decoded <= max))
            {
                return;
            }

            var next = integer + ((decoded > max) == (format.Scale > 0) ? -1 : 1);
            if (next < lowest || next > highest)
            {
                return;
            }

            integer = next;
        }
    }

    private static (double Lowest, double Highest) Limits(ModbusDataType type) => type switch
    {
        ModbusDataType.Int16 => (short.MinValue, short.MaxValue),
        ModbusDataType.UInt16 => (ushort.MinValue, ushort.MaxValue),
        ModbusDataType.Int32 => (int.MinValue, int.MaxValue),
        ModbusDataType.UInt32 => (uint.MinValue, uint.MaxValue),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not an integer type"),
    };

    private static void WriteInteger(ModbusValueFormat format, double integer, Span<ushort> registers)
    {
        switch (format.DataType)
        {
            case ModbusDataType.Int16:
                ModbusRegisters.FromInt16((short)integer, registers, format.ByteOrder);
                break;
            case ModbusDataType.UInt16:
                ModbusRegisters.FromUInt16((ushort)integer, registers, format.ByteOrder);
                break;
            case ModbusDataType.Int32:
                ModbusRegisters.FromInt32((int)integer, registers, format.ByteOrder);
                break;
            case ModbusDataType.UInt32:
                ModbusRegisters.FromUInt32((uint)integer, registers, format.ByteOrder);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format.DataType, "not an integer type");
        }
    }
}
