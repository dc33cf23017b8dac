namespace Lifeline.Modbus;

/// <summary>
/// How a device represents one engineering value in its registers: type, byte order, and the linear scaling
/// <c>value = raw × Scale + Offset</c> (for example a raw 0..4000 meaning 0..400.0 °C has Scale 0.1).
/// Flags (<see cref="ModbusDataType.Bool"/>) are not scaled: they decode to 0 or 1.
/// </summary>
/// <param name="DataType">The raw type in the registers.</param>
/// <param name="ByteOrder">The byte and word order of the raw value.</param>
/// <param name="Scale">Multiplies the raw value; finite and not 0.</param>
/// <param name="Offset">Added after scaling; finite.</param>
public sealed record ModbusValueFormat(
    ModbusDataType DataType,
    ModbusByteOrder ByteOrder = ModbusByteOrder.ABCD,
    double Scale = 1,
    double Offset = 0)
{
    private readonly double _scale = CheckScale(Scale);
    private readonly double _offset = CheckOffset(Offset);

    /// <summary>Multiplies the raw value; finite and not 0.</summary>
    public double Scale { get => _scale; init => _scale = CheckScale(value); }

    /// <summary>Added after scaling; finite.</summary>
    public double Offset { get => _offset; init => _offset = CheckOffset(value); }

    /// <summary>How many registers the value occupies.</summary>
    public int RegisterCount => ModbusRegisters.Count(DataType);

    /// <summary>Decodes the engineering value from the first <see cref="RegisterCount"/> registers.</summary>
    public double Decode(ReadOnlySpan<ushort> registers)
    {
        if (registers.Length < RegisterCount)
        {
            throw new ArgumentException($"{DataType} needs {RegisterCount} registers, {registers.Length} given", nameof(registers));
        }

        // Every arm converts to double itself: the switch's common type would otherwise be float, which cannot
        // hold every 32-bit integer.
        var raw = DataType switch
        {
            ModbusDataType.Bool => ModbusRegisters.ToBoolean(registers) ? 1d : 0d,
            ModbusDataType.Int16 => (double)ModbusRegisters.ToInt16(registers, ByteOrder),
            ModbusDataType.UInt16 => (double)ModbusRegisters.ToUInt16(registers, ByteOrder),
            ModbusDataType.Int32 => (double)ModbusRegisters.ToInt32(registers, ByteOrder),
            ModbusDataType.UInt32 => (double)ModbusRegisters.ToUInt32(registers, ByteOrder),
            ModbusDataType.Float32 => (double)ModbusRegisters.ToSingle(registers, ByteOrder),
            _ => throw new InvalidOperationException($"unknown data type {DataType}"),
        };
        return DataType == ModbusDataType.Bool ? raw : (raw * Scale) + Offset;
    }

    /// <summary>
    /// Encodes an engineering value into the first <see cref="RegisterCount"/> registers: the inverse of
    /// <see cref="Decode"/>, rounded to the nearest integer for integer types.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The raw value does not fit the data type.</exception>
    public void Encode(double value, Span<ushort> registers)
    {
        if (registers.Length < RegisterCount)
        {
            throw new ArgumentException($"{DataType} needs {RegisterCount} registers, {registers.Length} given", nameof(registers));
        }

        if (DataType == ModbusDataType.Bool)
        {
            ModbusRegisters.FromBoolean(value != 0, registers);
            return;
        }

        var raw = (value - Offset) / Scale;
        if (DataType == ModbusDataType.Float32)
        {
            ModbusRegisters.FromSingle((float)raw, registers, ByteOrder);
            return;
        }

        var rounded = Math.Round(raw, MidpointRounding.AwayFromZero);
        switch (DataType)
        {
            case ModbusDataType.Int16:
                ModbusRegisters.FromInt16((short)CheckRange(value, rounded, short.MinValue, short.MaxValue), registers, ByteOrder);
                break;
            case ModbusDataType.UInt16:
                ModbusRegisters.FromUInt16((ushort)CheckRange(value, rounded, ushort.MinValue, ushort.MaxValue), registers, ByteOrder);
                break;
            case ModbusDataType.Int32:
                ModbusRegisters.FromInt32((int)CheckRange(value, rounded, int.MinValue, int.MaxValue), registers, ByteOrder);
                break;
            case ModbusDataType.UInt32:
                ModbusRegisters.FromUInt32((uint)CheckRange(value, rounded, uint.MinValue, uint.MaxValue), registers, ByteOrder);
                break;
            default:
                throw new InvalidOperationException($"unknown data type {DataType}");
        }
    }

    private static double CheckScale(double scale) => double.IsFinite(scale) && scale != 0
        ? scale
        : throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be finite and not 0");

    private static double CheckOffset(double offset) => double.IsFinite(offset)
        ? offset
        : throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset must be finite");

    private double CheckRange(double value, double raw, double min, double max) =>
        raw >= min && raw <= max
            ? raw
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"raw value {raw} does not fit {DataType} ({min}..{max})");
}
