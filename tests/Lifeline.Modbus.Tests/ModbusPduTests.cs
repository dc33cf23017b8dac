namespace Lifeline.Modbus.Tests;

/// <summary>
/// Every function in both directions, against the examples of the Modbus Application Protocol v1.1b3 (section 6).
/// </summary>
public sealed class ModbusPduTests
{
    private readonly byte[] _buffer = new byte[ModbusLimits.MaxPduLength];

    [Fact]
    public void ReadCoils_SpecExample()
    {
        // Read coils 20–38: start address 19 (0x13), 19 coils; status of coils 27–20 is 0xCD, 35–28 0x6B, 38–36 0x05.
        Encoded(ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadCoils, 19, 19)).ShouldBe("01 00 13 00 13");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("01 00 13 00 13"));
        (request.Function, request.ReadAddress, request.ReadQuantity).ShouldBe((ModbusFunctionCode.ReadCoils, (ushort)19, (ushort)19));

        var coils = Bits("1011 0011 1101 0110 101");
        Encoded(ModbusPdu.EncodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadCoils, coils)).ShouldBe("01 03 CD 6B 05");
        var decoded = new bool[19];
        ModbusPdu.DecodeReadBitsResponse(Hex.Bytes("01 03 CD 6B 05"), ModbusFunctionCode.ReadCoils, decoded);
        decoded.ShouldBe(coils);
    }

    [Fact]
    public void ReadDiscreteInputs_SpecExample()
    {
        // Inputs 197–218: start address 196 (0xC4), 22 inputs; 0xAC, 0xDB, 0x35.
        Encoded(ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadDiscreteInputs, 196, 22)).ShouldBe("02 00 C4 00 16");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("02 00 C4 00 16"));
        (request.Function, request.ReadAddress, request.ReadQuantity).ShouldBe((ModbusFunctionCode.ReadDiscreteInputs, (ushort)196, (ushort)22));

        var inputs = Bits("0011 0101 1101 1011 1010 11");
        Encoded(ModbusPdu.EncodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadDiscreteInputs, inputs)).ShouldBe("02 03 AC DB 35");
        var decoded = new bool[22];
        ModbusPdu.DecodeReadBitsResponse(Hex.Bytes("02 03 AC DB 35"), ModbusFunctionCode.ReadDiscreteInputs, decoded);
        decoded.ShouldBe(inputs);
    }

    [Fact]
    public void ReadHoldingRegisters_SpecExample()
    {
        // Registers 108–110: start address 107 (0x6B), 3 registers; values 555, 0, 100.
        Encoded(ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadHoldingRegisters, 107, 3)).ShouldBe("03 00 6B 00 03");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("03 00 6B 00 03"));
        (request.Function, request.ReadAddress, request.ReadQuantity).ShouldBe((ModbusFunctionCode.ReadHoldingRegisters, (ushort)107, (ushort)3));

        Encoded(ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, [555, 0, 100]))
            .ShouldBe("03 06 02 2B 00 00 00 64");
        var decoded = new ushort[3];
        ModbusPdu.DecodeReadRegistersResponse(Hex.Bytes("03 06 02 2B 00 00 00 64"), ModbusFunctionCode.ReadHoldingRegisters, decoded);
        decoded.ShouldBe([(ushort)555, (ushort)0, (ushort)100]);
    }

    [Fact]
    public void ReadInputRegisters_SpecExample()
    {
        // Input register 9: address 8, value 10.
        Encoded(ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadInputRegisters, 8, 1)).ShouldBe("04 00 08 00 01");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("04 00 08 00 01"));
        (request.Function, request.ReadAddress, request.ReadQuantity).ShouldBe((ModbusFunctionCode.ReadInputRegisters, (ushort)8, (ushort)1));

        Encoded(ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadInputRegisters, [10])).ShouldBe("04 02 00 0A");
        var decoded = new ushort[1];
        ModbusPdu.DecodeReadRegistersResponse(Hex.Bytes("04 02 00 0A"), ModbusFunctionCode.ReadInputRegisters, decoded);
        decoded[0].ShouldBe((ushort)10);
    }

    [Fact]
    public void WriteSingleCoil_SpecExample()
    {
        // Coil 173 on: address 172 (0xAC), 0xFF00; the response echoes the request.
        Encoded(ModbusPdu.EncodeWriteSingleCoilRequest(_buffer, 172, true)).ShouldBe("05 00 AC FF 00");
        Encoded(ModbusPdu.EncodeWriteSingleCoilRequest(_buffer, 172, false)).ShouldBe("05 00 AC 00 00");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("05 00 AC FF 00"));
        (request.Function, request.WriteAddress, request.WriteQuantity).ShouldBe((ModbusFunctionCode.WriteSingleCoil, (ushort)172, (ushort)1));
        var coil = new bool[1];
        request.CopyWriteCoils(coil);
        coil[0].ShouldBeTrue();
        ModbusPdu.DecodeRequest(Hex.Bytes("05 00 AC 00 00")).CopyWriteCoils(coil);
        coil[0].ShouldBeFalse();

        Encoded(ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteSingleCoil, 172, ModbusPdu.CoilOn)).ShouldBe("05 00 AC FF 00");
        ModbusPdu.DecodeWriteResponse(Hex.Bytes("05 00 AC FF 00"), ModbusFunctionCode.WriteSingleCoil).ShouldBe(((ushort)172, ModbusPdu.CoilOn));
    }

    [Fact]
    public void WriteSingleCoil_ValueOtherThanOnOrOff_Refused()
    {
        var ex = Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(Hex.Bytes("05 00 AC 00 01")));

        ex.Message.ShouldContain("coil value 0x0001 is neither 0xFF00 (on) nor 0x0000 (off)");
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteSingleCoil, 1, 1));
    }

    [Fact]
    public void WriteSingleRegister_SpecExample()
    {
        // Register 2 (address 1) set to 3.
        Encoded(ModbusPdu.EncodeWriteSingleRegisterRequest(_buffer, 1, 3)).ShouldBe("06 00 01 00 03");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("06 00 01 00 03"));
        (request.Function, request.WriteAddress, request.WriteQuantity).ShouldBe((ModbusFunctionCode.WriteSingleRegister, (ushort)1, (ushort)1));
        var value = new ushort[1];
        request.CopyWriteRegisters(value);
        value[0].ShouldBe((ushort)3);

        Encoded(ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteSingleRegister, 1, 3)).ShouldBe("06 00 01 00 03");
        ModbusPdu.DecodeWriteResponse(Hex.Bytes("06 00 01 00 03"), ModbusFunctionCode.WriteSingleRegister).ShouldBe(((ushort)1, (ushort)3));
    }

    [Fact]
    public void WriteMultipleCoils_SpecExample()
    {
        // 10 coils from coil 20 (address 19): 0xCD 0x01.
        var coils = Bits("1011 0011 10");
        Encoded(ModbusPdu.EncodeWriteMultipleCoilsRequest(_buffer, 19, coils)).ShouldBe("0F 00 13 00 0A 02 CD 01");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("0F 00 13 00 0A 02 CD 01"));
        (request.Function, request.WriteAddress, request.WriteQuantity).ShouldBe((ModbusFunctionCode.WriteMultipleCoils, (ushort)19, (ushort)10));
        var decoded = new bool[10];
        request.CopyWriteCoils(decoded);
        decoded.ShouldBe(coils);

        Encoded(ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteMultipleCoils, 19, 10)).ShouldBe("0F 00 13 00 0A");
        ModbusPdu.DecodeWriteResponse(Hex.Bytes("0F 00 13 00 0A"), ModbusFunctionCode.WriteMultipleCoils).ShouldBe(((ushort)19, (ushort)10));
    }

    [Fact]
    public void WriteMultipleRegisters_SpecExample()
    {
        // Registers 2–3 (address 1) set to 0x000A and 0x0102.
        Encoded(ModbusPdu.EncodeWriteMultipleRegistersRequest(_buffer, 1, [0x000A, 0x0102])).ShouldBe("10 00 01 00 02 04 00 0A 01 02");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("10 00 01 00 02 04 00 0A 01 02"));
        (request.Function, request.WriteAddress, request.WriteQuantity).ShouldBe((ModbusFunctionCode.WriteMultipleRegisters, (ushort)1, (ushort)2));
        var values = new ushort[2];
        request.CopyWriteRegisters(values);
        values.ShouldBe([(ushort)0x000A, (ushort)0x0102]);

        Encoded(ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteMultipleRegisters, 1, 2)).ShouldBe("10 00 01 00 02");
        ModbusPdu.DecodeWriteResponse(Hex.Bytes("10 00 01 00 02"), ModbusFunctionCode.WriteMultipleRegisters).ShouldBe(((ushort)1, (ushort)2));
    }

    [Fact]
    public void ReadWriteMultipleRegisters_SpecExample()
    {
        // Read 6 registers from address 3, write 3 registers (0x00FF each) at address 14.
        Encoded(ModbusPdu.EncodeReadWriteMultipleRegistersRequest(_buffer, 3, 6, 14, [0xFF, 0xFF, 0xFF]))
            .ShouldBe("17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF");
        var request = ModbusPdu.DecodeRequest(Hex.Bytes("17 00 03 00 06 00 0E 00 03 06 00 FF 00 FF 00 FF"));
        (request.Function, request.ReadAddress, request.ReadQuantity, request.WriteAddress, request.WriteQuantity)
            .ShouldBe((ModbusFunctionCode.ReadWriteMultipleRegisters, (ushort)3, (ushort)6, (ushort)14, (ushort)3));
        var written = new ushort[3];
        request.CopyWriteRegisters(written);
        written.ShouldAllBe(v => v == 0xFF);

        ushort[] read = [0x00FE, 0x0ACD, 0x0001, 0x0003, 0x000D, 0x00FF];
        Encoded(ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadWriteMultipleRegisters, read))
            .ShouldBe("17 0C 00 FE 0A CD 00 01 00 03 00 0D 00 FF");
        var decoded = new ushort[6];
        ModbusPdu.DecodeReadRegistersResponse(Hex.Bytes("17 0C 00 FE 0A CD 00 01 00 03 00 0D 00 FF"), ModbusFunctionCode.ReadWriteMultipleRegisters, decoded);
        decoded.ShouldBe(read);
    }

    public static TheoryData<ModbusExceptionCode> ExceptionCodes() => [.. Enum.GetValues<ModbusExceptionCode>()];

    [Theory]
    [MemberData(nameof(ExceptionCodes))]
    public void ExceptionResponse_EveryCode_RoundTrips(ModbusExceptionCode code)
    {
        Encoded(ModbusPdu.EncodeExceptionResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, code)).ShouldBe($"83 {(byte)code:X2}");

        ModbusPdu.TryDecodeException([0x83, (byte)code], out var function, out var decoded).ShouldBeTrue();
        function.ShouldBe(ModbusFunctionCode.ReadHoldingRegisters);
        decoded.ShouldBe(code);
    }

    [Fact]
    public void ExceptionResponse_SpecCodeValues()
    {
        ((byte)ModbusExceptionCode.IllegalFunction).ShouldBe((byte)0x01);
        ((byte)ModbusExceptionCode.IllegalDataAddress).ShouldBe((byte)0x02);
        ((byte)ModbusExceptionCode.IllegalDataValue).ShouldBe((byte)0x03);
        ((byte)ModbusExceptionCode.ServerDeviceFailure).ShouldBe((byte)0x04);
        ((byte)ModbusExceptionCode.ServerDeviceBusy).ShouldBe((byte)0x06);
        ((byte)ModbusExceptionCode.GatewayPathUnavailable).ShouldBe((byte)0x0A);
        ((byte)ModbusExceptionCode.GatewayTargetFailedToRespond).ShouldBe((byte)0x0B);
    }

    [Fact]
    public void TryDecodeException_NormalResponse_ReturnsFalse() =>
        ModbusPdu.TryDecodeException(Hex.Bytes("03 02 00 01"), out _, out _).ShouldBeFalse();

    [Theory]
    [InlineData("83")]
    [InlineData("83 02 00")]
    public void TryDecodeException_WrongLength_Refused(string hex) =>
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.TryDecodeException(Hex.Bytes(hex), out _, out _))
            .Message.ShouldContain("exception response of");

    // ----- Limits: exactly at the limit accepted, one more refused, in every direction -----

    [Theory]
    [InlineData(ModbusFunctionCode.ReadCoils, 2000)]
    [InlineData(ModbusFunctionCode.ReadDiscreteInputs, 2000)]
    [InlineData(ModbusFunctionCode.ReadHoldingRegisters, 125)]
    [InlineData(ModbusFunctionCode.ReadInputRegisters, 125)]
    public void ReadRequest_QuantityLimit(ModbusFunctionCode function, int limit)
    {
        ModbusPdu.EncodeReadRequest(_buffer, function, 0, (ushort)limit).ShouldBe(5);
        ModbusPdu.DecodeRequest(ReadRequest(function, limit)).ReadQuantity.ShouldBe((ushort)limit);

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadRequest(_buffer, function, 0, (ushort)(limit + 1)));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadRequest(_buffer, function, 0, 0));
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(ReadRequest(function, limit + 1)))
            .Message.ShouldContain($"quantity {limit + 1} is out of range 1..{limit}");
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(ReadRequest(function, 0)))
            .Message.ShouldContain("quantity 0 is out of range");
    }

    [Fact]
    public void ReadBitsResponse_QuantityLimit()
    {
        ModbusPdu.EncodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadCoils, new bool[2000]).ShouldBe(2 + 250);
        ModbusPdu.DecodeReadBitsResponse(_buffer.AsSpan(0, 252), ModbusFunctionCode.ReadCoils, new bool[2000]);

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadCoils, new bool[2001]));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.DecodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadCoils, new bool[2001]));
    }

    [Fact]
    public void ReadRegistersResponse_QuantityLimit()
    {
        ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, new ushort[125]).ShouldBe(2 + 250);
        ModbusPdu.DecodeReadRegistersResponse(_buffer.AsSpan(0, 252), ModbusFunctionCode.ReadHoldingRegisters, new ushort[125]);

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, new ushort[126]));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.DecodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, new ushort[126]));
    }

    [Fact]
    public void WriteMultipleCoils_QuantityLimit()
    {
        var length = ModbusPdu.EncodeWriteMultipleCoilsRequest(_buffer, 0, new bool[1968]);
        length.ShouldBe(6 + 246);
        ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length)).WriteQuantity.ShouldBe((ushort)1968);

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleCoilsRequest(_buffer, 0, new bool[1969]));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleCoilsRequest(_buffer, 0, []));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteMultipleCoils, 0, 1969));

        // 1969 coils would need 247 bytes: a correct byte count, but the quantity is over the limit.
        var over = new byte[6 + 247];
        over[0] = 0x0F;
        over[3] = 0x07;
        over[4] = 0xB1;
        over[5] = 247;
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(over)).Message.ShouldContain("quantity 1969 is out of range 1..1968");
    }

    [Fact]
    public void WriteMultipleRegisters_QuantityLimit()
    {
        var length = ModbusPdu.EncodeWriteMultipleRegistersRequest(_buffer, 0, new ushort[123]);
        length.ShouldBe(6 + 246);
        ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length)).WriteQuantity.ShouldBe((ushort)123);

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleRegistersRequest(_buffer, 0, new ushort[124]));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteMultipleRegistersRequest(_buffer, 0, []));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.WriteMultipleRegisters, 0, 124));

        var over = new byte[6 + 248];
        over[0] = 0x10;
        over[4] = 124;
        over[5] = 248;
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(over)).Message.ShouldContain("quantity 124 is out of range 1..123");
    }

    [Fact]
    public void ReadWriteMultipleRegisters_QuantityLimits()
    {
        var length = ModbusPdu.EncodeReadWriteMultipleRegistersRequest(_buffer, 0, 125, 0, new ushort[121]);
        length.ShouldBe(10 + 242);
        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length));
        (request.ReadQuantity, request.WriteQuantity).ShouldBe(((ushort)125, (ushort)121));

        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadWriteMultipleRegistersRequest(_buffer, 0, 126, 0, new ushort[1]));
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadWriteMultipleRegistersRequest(_buffer, 0, 1, 0, new ushort[122]));

        var readOver = Hex.Bytes("17 00 00 00 7E 00 00 00 01 02 00 00");
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(readOver)).Message.ShouldContain("read quantity 126 is out of range 1..125");
        var writeOver = new byte[10 + 244];
        writeOver[0] = 0x17;
        writeOver[4] = 1;
        writeOver[8] = 122;
        writeOver[9] = 244;
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(writeOver)).Message.ShouldContain("write quantity 122 is out of range 1..121");
    }

    [Fact]
    public void Encode_RangePastEndOfAddressSpace_Refused()
    {
        ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadHoldingRegisters, 65535, 1).ShouldBe(5);
        Should.Throw<ArgumentOutOfRangeException>(() => ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.ReadHoldingRegisters, 65535, 2));
    }

    // ----- Malformed PDUs -----

    [Theory]
    [InlineData("03 00 6B 00", "of 4 bytes, 5 expected")]
    [InlineData("03 00 6B 00 03 00", "of 6 bytes, 5 expected")]
    [InlineData("06 00 01 00", "of 4 bytes, 5 expected")]
    [InlineData("10 00 01 00", "truncated")]
    [InlineData("17 00 03 00 06 00 0E 00 03", "truncated")]
    public void DecodeRequest_WrongPduLength_Refused(string hex, string message) =>
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(Hex.Bytes(hex))).Message.ShouldContain(message);

    [Theory]
    [InlineData("0F 00 13 00 0A 01 CD", "byte count 1 does not match quantity 10 (2 bytes expected)")]
    [InlineData("0F 00 13 00 0A 02 CD", "byte count 2, but the PDU carries 1 value bytes")]
    [InlineData("10 00 01 00 02 03 00 0A 01", "byte count 3 does not match quantity 2 (4 bytes expected)")]
    [InlineData("10 00 01 00 02 04 00 0A 01", "byte count 4, but the PDU carries 3 value bytes")]
    [InlineData("10 00 01 00 02 04 00 0A 01 02 03", "byte count 4, but the PDU carries 5 value bytes")]
    [InlineData("17 00 03 00 06 00 0E 00 03 04 00 FF 00 FF", "byte count 4 does not match quantity 3 (6 bytes expected)")]
    public void DecodeRequest_ByteCountMismatch_Refused(string hex, string message) =>
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(Hex.Bytes(hex))).Message.ShouldContain(message);

    [Theory]
    [InlineData("", "empty PDU")]
    [InlineData("2B 0E 01 00", "function code 0x2B is not supported")]
    [InlineData("83 02", "function code 0x83 is not supported")]
    public void DecodeRequest_NoSupportedFunction_Refused(string hex, string message) =>
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeRequest(Hex.Bytes(hex))).Message.ShouldContain(message);

    [Theory]
    [InlineData("03 04 00 01", 2, "byte count 4, but the PDU carries 2 data bytes")]
    [InlineData("03 02 00 01", 2, "byte count 2 does not match the 2 registers requested (4 bytes expected)")]
    [InlineData("03 04 00 01 00 02 00", 2, "byte count 4, but the PDU carries 5 data bytes")]
    [InlineData("03", 1, "truncated")]
    [InlineData("04 02 00 01", 1, "function code 0x04 in the response, ReadHoldingRegisters (0x03) expected")]
    public void DecodeRegistersResponse_Malformed_Refused(string hex, int count, string message) =>
        Should.Throw<ModbusProtocolException>(() =>
                ModbusPdu.DecodeReadRegistersResponse(Hex.Bytes(hex), ModbusFunctionCode.ReadHoldingRegisters, new ushort[count]))
            .Message.ShouldContain(message);

    [Theory]
    [InlineData("01 01 FF", 9, "byte count 1 does not match the 9 bits requested (2 bytes expected)")]
    [InlineData("01 02 FF", 9, "byte count 2, but the PDU carries 1 data bytes")]
    [InlineData("", 1, "empty PDU")]
    public void DecodeBitsResponse_Malformed_Refused(string hex, int count, string message) =>
        Should.Throw<ModbusProtocolException>(() =>
                ModbusPdu.DecodeReadBitsResponse(Hex.Bytes(hex), ModbusFunctionCode.ReadCoils, new bool[count]))
            .Message.ShouldContain(message);

    [Theory]
    [InlineData("06 00 01 00", "of 4 bytes, 5 expected")]
    [InlineData("10 00 01 00 02", "function code 0x10 in the response, WriteSingleRegister (0x06) expected")]
    public void DecodeWriteResponse_Malformed_Refused(string hex, string message) =>
        Should.Throw<ModbusProtocolException>(() => ModbusPdu.DecodeWriteResponse(Hex.Bytes(hex), ModbusFunctionCode.WriteSingleRegister))
            .Message.ShouldContain(message);

    [Fact]
    public void Encode_DestinationTooSmall_Refused() =>
        Should.Throw<ArgumentException>(() => ModbusPdu.EncodeWriteMultipleRegistersRequest(new byte[7], 0, [1, 2]))
            .Message.ShouldContain("the PDU needs 10 bytes");

    [Fact]
    public void Encode_WrongFunctionForEncoder_Refused()
    {
        Should.Throw<ArgumentException>(() => ModbusPdu.EncodeReadRequest(_buffer, ModbusFunctionCode.WriteSingleCoil, 0, 1));
        Should.Throw<ArgumentException>(() => ModbusPdu.EncodeReadBitsResponse(_buffer, ModbusFunctionCode.ReadHoldingRegisters, [true]));
        Should.Throw<ArgumentException>(() => ModbusPdu.EncodeReadRegistersResponse(_buffer, ModbusFunctionCode.ReadCoils, [1]));
        Should.Throw<ArgumentException>(() => ModbusPdu.EncodeWriteResponse(_buffer, ModbusFunctionCode.ReadCoils, 0, 1));
    }

    private string Encoded(int length) => Hex.Of(_buffer.AsSpan(0, length));

    /// <summary>Bits in address order from a string of 0 and 1 (spaces ignored).</summary>
    private static bool[] Bits(string bits) => [.. bits.Where(c => c != ' ').Select(c => c == '1')];

    private static byte[] ReadRequest(ModbusFunctionCode function, int quantity) =>
        [(byte)function, 0, 0, (byte)(quantity >> 8), (byte)quantity];
}
