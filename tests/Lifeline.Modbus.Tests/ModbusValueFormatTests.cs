using FsCheck.Xunit;

namespace Lifeline.Modbus.Tests;

public sealed class ModbusValueFormatTests
{
    [Fact]
    public void Decode_AppliesScaleThenOffset()
    {
        // A transmitter reporting tenths of a degree with a -40 °C offset: raw 652 → 25.2 °C.
        var format = new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.1, Offset: -40);

        format.Decode([652]).ShouldBe(25.2, 1e-9);
    }

    [Fact]
    public void Encode_InvertsScaleAndOffsetAndRounds()
    {
        var format = new ModbusValueFormat(ModbusDataType.Int16, Scale: 0.1, Offset: -40);
        var registers = new ushort[1];

        format.Encode(25.2, registers);

        registers[0].ShouldBe((ushort)652);
    }

    [Fact]
    public void Float32_WordSwapped()
    {
        var format = new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB);

        format.Decode([0xE979, 0x42F6]).ShouldBe(123.456f);
        format.RegisterCount.ShouldBe(2);
    }

    [Fact]
    public void Decode_LargeIntegers_Exact()
    {
        new ModbusValueFormat(ModbusDataType.UInt32).Decode([0xFFFF, 0xFFFF]).ShouldBe(4294967295d);
        new ModbusValueFormat(ModbusDataType.Int32).Decode([0x7FFF, 0xFFFF]).ShouldBe(2147483647d);
    }

    [Fact]
    public void Bool_IsNotScaled()
    {
        var format = new ModbusValueFormat(ModbusDataType.Bool, Scale: 10, Offset: 5);

        format.Decode([7]).ShouldBe(1);
        format.Decode([0]).ShouldBe(0);
        var registers = new ushort[1];
        format.Encode(1, registers);
        registers[0].ShouldBe((ushort)1);
    }

    [Theory]
    [InlineData(ModbusDataType.Int16, 32768)]
    [InlineData(ModbusDataType.Int16, -32769)]
    [InlineData(ModbusDataType.UInt16, -1)]
    [InlineData(ModbusDataType.UInt16, 65536)]
    [InlineData(ModbusDataType.Int32, 2147483648d)]
    [InlineData(ModbusDataType.UInt32, -1)]
    [InlineData(ModbusDataType.UInt32, 4294967296d)]
    [InlineData(ModbusDataType.Int16, double.NaN)]
    public void Encode_RawValueOutOfRange_Refused(ModbusDataType type, double value) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ModbusValueFormat(type).Encode(value, new ushort[2]))
            .Message.ShouldContain($"does not fit {type}");

    [Theory]
    [InlineData(0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Scale_MustBeFiniteAndNotZero(double scale)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new ModbusValueFormat(ModbusDataType.Int16, Scale: scale));
        Should.Throw<ArgumentOutOfRangeException>(() => new ModbusValueFormat(ModbusDataType.Int16) with { Scale = scale });
    }

    [Fact]
    public void Offset_MustBeFinite() =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ModbusValueFormat(ModbusDataType.Int16, Offset: double.NaN));

    [Fact]
    public void TooFewRegisters_Refused()
    {
        var format = new ModbusValueFormat(ModbusDataType.Int32);

        Should.Throw<ArgumentException>(() => format.Decode([1]));
        Should.Throw<ArgumentException>(() => format.Encode(1, new ushort[1]));
    }

    private static readonly double[] Scales = [1.0, 0.1, 0.01, -2.5, 1000.0];
    private static readonly double[] Offsets = [0.0, -40.0, 273.15, 1e4];

    [Property(MaxTest = 300)]
    public void EncodeThenDecode_EveryTypeAndOrder_GivesTheValueBack(int seed, byte scaleChoice, byte offsetChoice)
    {
        // Every raw value in range, scaled, comes back exactly (integers) or within float precision.
        var scale = Scales[scaleChoice % Scales.Length];
        var offset = Offsets[offsetChoice % Offsets.Length];
        foreach (var type in Enum.GetValues<ModbusDataType>())
        {
            foreach (var order in Enum.GetValues<ModbusByteOrder>())
            {
                var format = new ModbusValueFormat(type, order, scale, offset);
                var raw = RawValue(type, seed);
                var value = (raw * scale) + offset;
                var registers = new ushort[format.RegisterCount];

                format.Encode(value, registers);
                var decoded = format.Decode(registers);

                var expected = type == ModbusDataType.Bool ? (value != 0 ? 1 : 0) : value;
                var tolerance = type == ModbusDataType.Float32
                    ? (Math.Abs(raw * scale) * 1e-6) + (Math.Abs(offset) * 1e-12) + 1e-9
                    : (Math.Abs(value) * 1e-12) + 1e-9;
                decoded.ShouldBe(expected, tolerance, $"{type} {order} raw {raw} scale {scale} offset {offset}");
            }
        }
    }

    /// <summary>A raw value the type can hold, spread over its whole range.</summary>
    private static double RawValue(ModbusDataType type, int seed) => type switch
    {
        // Each arm converts to double itself: a switch expression's common type would be float here.
        ModbusDataType.Bool => (double)(seed & 1),
        ModbusDataType.Int16 => (double)(short)seed,
        ModbusDataType.UInt16 => (double)(ushort)seed,
        ModbusDataType.Int32 => (double)seed,
        ModbusDataType.UInt32 => (double)(uint)seed,
        ModbusDataType.Float32 => (double)(float)(seed / 1000.0),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
