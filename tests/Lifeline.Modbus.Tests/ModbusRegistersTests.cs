using FsCheck.Xunit;

namespace Lifeline.Modbus.Tests;

public sealed class ModbusRegistersTests
{
    // 123.456f is 0x42F6E979: bytes A=42 B=F6 C=E9 D=79.
    [Theory]
    [InlineData(ModbusByteOrder.ABCD, 0x42F6, 0xE979)]
    [InlineData(ModbusByteOrder.CDAB, 0xE979, 0x42F6)]
    [InlineData(ModbusByteOrder.BADC, 0xF642, 0x79E9)]
    [InlineData(ModbusByteOrder.DCBA, 0x79E9, 0xF642)]
    public void Float32_KnownLayouts(ModbusByteOrder order, int first, int second)
    {
        ushort[] registers = [(ushort)first, (ushort)second];

        ModbusRegisters.ToSingle(registers, order).ShouldBe(123.456f);
        var encoded = new ushort[2];
        ModbusRegisters.FromSingle(123.456f, encoded, order);
        encoded.ShouldBe(registers);
    }

    [Theory]
    [InlineData(ModbusByteOrder.ABCD, 0x1234, 0x5678)]
    [InlineData(ModbusByteOrder.CDAB, 0x5678, 0x1234)]
    [InlineData(ModbusByteOrder.BADC, 0x3412, 0x7856)]
    [InlineData(ModbusByteOrder.DCBA, 0x7856, 0x3412)]
    public void UInt32_KnownLayouts(ModbusByteOrder order, int first, int second) =>
        ModbusRegisters.ToUInt32([(ushort)first, (ushort)second], order).ShouldBe(0x12345678u);

    [Theory]
    [InlineData(ModbusByteOrder.ABCD, 0xFB2E)]
    [InlineData(ModbusByteOrder.CDAB, 0xFB2E)]
    [InlineData(ModbusByteOrder.BADC, 0x2EFB)]
    [InlineData(ModbusByteOrder.DCBA, 0x2EFB)]
    public void Int16_KnownLayouts(ModbusByteOrder order, int register)
    {
        ModbusRegisters.ToInt16([(ushort)register], order).ShouldBe((short)-1234);
        var encoded = new ushort[1];
        ModbusRegisters.FromInt16(-1234, encoded, order);
        encoded[0].ShouldBe((ushort)register);
    }

    [Fact]
    public void Int32_Negative() =>
        ModbusRegisters.ToInt32([0xFFFE, 0x1DC0]).ShouldBe(-123456);

    [Fact]
    public void Boolean_AnyNonZeroIsTrue()
    {
        ModbusRegisters.ToBoolean([0]).ShouldBeFalse();
        ModbusRegisters.ToBoolean([1]).ShouldBeTrue();
        ModbusRegisters.ToBoolean([0x8000]).ShouldBeTrue();
    }

    [Fact]
    public void ThirtyTwoBits_NeedTwoRegisters()
    {
        Should.Throw<ArgumentException>(() => ModbusRegisters.ToUInt32([1]));
        Should.Throw<ArgumentException>(() => ModbusRegisters.FromSingle(1f, new ushort[1]));
    }

    [Theory]
    [InlineData(ModbusDataType.Bool, 1)]
    [InlineData(ModbusDataType.Int16, 1)]
    [InlineData(ModbusDataType.UInt16, 1)]
    [InlineData(ModbusDataType.Int32, 2)]
    [InlineData(ModbusDataType.UInt32, 2)]
    [InlineData(ModbusDataType.Float32, 2)]
    public void Count_PerType(ModbusDataType type, int count) => ModbusRegisters.Count(type).ShouldBe(count);

    [Property(MaxTest = 200)]
    public void UInt16_RoundTrips(ushort value, byte order)
    {
        var byteOrder = Order(order);
        var registers = new ushort[1];
        ModbusRegisters.FromUInt16(value, registers, byteOrder);
        ModbusRegisters.ToUInt16(registers, byteOrder).ShouldBe(value);
    }

    [Property(MaxTest = 200)]
    public void Int16_RoundTrips(short value, byte order)
    {
        var byteOrder = Order(order);
        var registers = new ushort[1];
        ModbusRegisters.FromInt16(value, registers, byteOrder);
        ModbusRegisters.ToInt16(registers, byteOrder).ShouldBe(value);
    }

    [Property(MaxTest = 200)]
    public void UInt32_RoundTrips(uint value, byte order)
    {
        var byteOrder = Order(order);
        var registers = new ushort[2];
        ModbusRegisters.FromUInt32(value, registers, byteOrder);
        ModbusRegisters.ToUInt32(registers, byteOrder).ShouldBe(value);
    }

    [Property(MaxTest = 200)]
    public void Int32_RoundTrips(int value, byte order)
    {
        var byteOrder = Order(order);
        var registers = new ushort[2];
        ModbusRegisters.FromInt32(value, registers, byteOrder);
        ModbusRegisters.ToInt32(registers, byteOrder).ShouldBe(value);
    }

    [Property(MaxTest = 200)]
    public void Float32_RoundTripsBitForBit(uint bits, byte order)
    {
        // Every bit pattern, NaNs and infinities included, comes back unchanged.
        var byteOrder = Order(order);
        var value = BitConverter.UInt32BitsToSingle(bits);
        var registers = new ushort[2];
        ModbusRegisters.FromSingle(value, registers, byteOrder);
        BitConverter.SingleToUInt32Bits(ModbusRegisters.ToSingle(registers, byteOrder)).ShouldBe(bits);
    }

    [Property(MaxTest = 200)]
    public void Bool_RoundTrips(bool value)
    {
        var registers = new ushort[1];
        ModbusRegisters.FromBoolean(value, registers);
        ModbusRegisters.ToBoolean(registers).ShouldBe(value);
    }

    [Property(MaxTest = 200)]
    public void ByteOrders_AreTheSameBytesRearranged(uint value)
    {
        // Reading the ABCD layout with each order and writing it back as ABCD gives the specified permutation.
        var abcd = new ushort[2];
        ModbusRegisters.FromUInt32(value, abcd);
        var a = (byte)(value >> 24);
        var b = (byte)(value >> 16);
        var c = (byte)(value >> 8);
        var d = (byte)value;

        ModbusRegisters.ToUInt32(abcd, ModbusByteOrder.CDAB).ShouldBe(Bytes(c, d, a, b));
        ModbusRegisters.ToUInt32(abcd, ModbusByteOrder.BADC).ShouldBe(Bytes(b, a, d, c));
        ModbusRegisters.ToUInt32(abcd, ModbusByteOrder.DCBA).ShouldBe(Bytes(d, c, b, a));
    }

    internal static ModbusByteOrder Order(byte choice) => (ModbusByteOrder)(choice % 4);

    private static uint Bytes(byte first, byte second, byte third, byte fourth) =>
        ((uint)first << 24) | ((uint)second << 16) | ((uint)third << 8) | fourth;
}
