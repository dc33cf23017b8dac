using Lifeline.Modbus;
using Lifeline.Simulation.Modbus;

namespace Lifeline.Simulation.Tests.Modbus;

public sealed class SlaveEncodingTests
{
    [Theory]
    [InlineData(0.4, 0, 0.4)] // float(0.4) is above 0.4: the top of the range must not read back above it
    [InlineData(0.7, 0.7, 4)] // float(0.7) is below 0.7: at the bottom of the range the nudge goes up
    [InlineData(2.2, 0, 2.2)]
    public void Float_At_The_Edge_Of_The_Range_Decodes_Inside_It(double value, double min, double max)
    {
        foreach (var order in Enum.GetValues<ModbusByteOrder>())
        {
            var format = new ModbusValueFormat(ModbusDataType.Float32, order);
            var registers = new ushort[2];

            SlaveEncoding.Encode(format, value, min, max, registers);

            var decoded = format.Decode(registers);
            decoded.ShouldBeInRange(min, max);
            Math.Abs(decoded - value).ShouldBeLessThan(1e-6 * Math.Max(1, Math.Abs(value)));
        }
    }

    [Fact]
    public void Float_Nudge_Respects_A_Negative_Scale()
    {
        var format = new ModbusValueFormat(ModbusDataType.Float32, Scale: -1);
        var registers = new ushort[2];

        SlaveEncoding.Encode(format, 0.4, 0, 0.4, registers);

        format.Decode(registers).ShouldBeInRange(0, 0.4);
    }

    [Theory]
    [InlineData(ModbusDataType.UInt16, 0.1, 0, 0.99, 0.99)] // 9.9 raw rounds to 10 → 1.0 > max: one step down
    [InlineData(ModbusDataType.UInt16, 1, 0, 100_000, 100_000)] // saturates at the type's limit instead of throwing
    [InlineData(ModbusDataType.UInt16, 1, -5, 5, -3)] // a negative value in an unsigned register saturates at 0
    [InlineData(ModbusDataType.Int16, 0.1, -20, 80, -20)]
    [InlineData(ModbusDataType.UInt32, 0.1, 0, 1e6, 1e6)]
    public void Integer_Rounds_Saturates_And_Stays_In_Range(ModbusDataType type, double scale, double min, double max, double value)
    {
        var format = new ModbusValueFormat(type, ModbusByteOrder.CDAB, scale);
        var registers = new ushort[format.RegisterCount];

        SlaveEncoding.Encode(format, value, min, max, registers);

        var decoded = format.Decode(registers);
        decoded.ShouldBeInRange(min, max);
        var raw = type == ModbusDataType.UInt16 ? Math.Clamp(value, 0, 65535 * scale) : value;
        Math.Abs(decoded - Math.Clamp(raw, min, max)).ShouldBeLessThanOrEqualTo(scale + 1e-9);
    }

    [Fact]
    public void Bool_Register_Is_One_Or_Zero()
    {
        var format = new ModbusValueFormat(ModbusDataType.Bool);
        var registers = new ushort[1];

        SlaveEncoding.Encode(format, 1, 0, 1, registers);
        registers[0].ShouldBe((ushort)1);
        SlaveEncoding.Encode(format, 0, 0, 1, registers);
        registers[0].ShouldBe((ushort)0);
    }
}
