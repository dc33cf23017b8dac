namespace Lifeline.Modbus.Tests;

public sealed class ModbusAduTests
{
    [Fact]
    public void Encode_WritesMbapHeaderBeforePdu()
    {
        var frame = new byte[ModbusLimits.MaxAduLength];

        var length = ModbusAdu.Encode(frame, 0x1234, 0x11, Hex.Bytes("03 00 6B 00 03"));

        Hex.Of(frame.AsSpan(0, length)).ShouldBe("12 34 00 00 00 06 11 03 00 6B 00 03");
    }

    [Fact]
    public void Decode_ReturnsHeaderAndPdu()
    {
        var pdu = ModbusAdu.Decode(Hex.Bytes("12 34 00 00 00 06 11 03 00 6B 00 03"), out var header);

        header.TransactionId.ShouldBe((ushort)0x1234);
        header.UnitId.ShouldBe((byte)0x11);
        header.Length.ShouldBe(6);
        header.PduLength.ShouldBe(5);
        header.AduLength.ShouldBe(12);
        Hex.Of(pdu).ShouldBe("03 00 6B 00 03");
    }

    [Fact]
    public void Decode_LargestFrame_Accepted()
    {
        var frame = new byte[ModbusLimits.MaxAduLength];
        var length = ModbusAdu.Encode(frame, 1, 1, new byte[ModbusLimits.MaxPduLength]);

        length.ShouldBe(260);
        ModbusAdu.Decode(frame, out var header).Length.ShouldBe(253);
        header.Length.ShouldBe(254);
    }

    [Fact]
    public void Decode_WrongLengthField_Refused()
    {
        // Length says 4 (unit + 3 PDU bytes) but 6 bytes follow it.
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusAdu.Decode(Hex.Bytes("00 01 00 00 00 04 01 03 00 6B 00 03"), out _));

        ex.Message.ShouldContain("wrong length field 4");
    }

    [Fact]
    public void Decode_ProtocolIdNotZero_Refused()
    {
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusAdu.Decode(Hex.Bytes("00 01 00 01 00 06 01 03 00 6B 00 03"), out _));

        ex.Message.ShouldContain("protocol identifier is 0x0001");
    }

    [Theory]
    [InlineData("")]
    [InlineData("00 01 00 00 00 06")]
    public void Decode_TruncatedHeader_Refused(string hex)
    {
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusAdu.Decode(Hex.Bytes(hex), out _));

        ex.Message.ShouldContain("truncated MBAP header");
    }

    [Fact]
    public void Decode_TruncatedPdu_Refused()
    {
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusAdu.Decode(Hex.Bytes("00 01 00 00 00 06 01 03 00"), out _));

        ex.Message.ShouldContain("truncated PDU");
    }

    [Fact]
    public void Decode_OversizeFrame_Refused()
    {
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusAdu.Decode(new byte[261], out _));

        ex.Message.ShouldContain("oversize frame: 261 bytes");
    }

    [Fact]
    public void Decode_LengthFieldBeyondMaximum_Refused()
    {
        // 255 bytes after the length field would make a 261-byte frame.
        var frame = new byte[261];
        frame[5] = 255;

        var ex = Should.Throw<ModbusProtocolException>(() => MbapHeader.Decode(frame));

        ex.Message.ShouldContain("exceeds the 260-byte maximum");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Decode_LengthFieldWithoutFunctionCode_Refused(byte length)
    {
        var ex = Should.Throw<ModbusProtocolException>(() => MbapHeader.Decode([0, 1, 0, 0, 0, length, 1]));

        ex.Message.ShouldContain($"length field is {length}");
    }

    [Fact]
    public void Header_RoundTrips()
    {
        var header = new MbapHeader(0xBEEF, 0xFF, 253);
        var bytes = new byte[MbapHeader.Size];

        header.Encode(bytes);

        Hex.Of(bytes).ShouldBe("BE EF 00 00 00 FE FF");
        MbapHeader.Decode(bytes).ShouldBe(header);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(254)]
    public void Header_PduLengthOutOfRange_Refused(int pduLength) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new MbapHeader(1, 1, pduLength));
}
