using FsCheck.Xunit;

namespace Lifeline.Modbus.Tests;

/// <summary>
/// Encode → decode round trips over generated addresses, quantities and values. Quantities cover the whole valid
/// range (1 to the limit), values come from a generated seed so that large arrays are exercised too.
/// </summary>
public sealed class CodecPropertyTests
{
    private readonly byte[] _buffer = new byte[ModbusLimits.MaxPduLength];

    [Property(MaxTest = 300)]
    public void ReadRequest_RoundTrips(bool bits, bool holdingOrCoils, ushort address, ushort rawQuantity)
    {
        var function = (bits, holdingOrCoils) switch
        {
            (true, true) => ModbusFunctionCode.ReadCoils,
            (true, false) => ModbusFunctionCode.ReadDiscreteInputs,
            (false, true) => ModbusFunctionCode.ReadHoldingRegisters,
            (false, false) => ModbusFunctionCode.ReadInputRegisters,
        };
        var quantity = Quantity(rawQuantity, bits ? ModbusLimits.MaxReadBits : ModbusLimits.MaxReadRegisters, address);

        var length = ModbusPdu.EncodeReadRequest(_buffer, function, address, quantity);
        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length));

        (request.Function, request.ReadAddress, request.ReadQuantity).ShouldBe((function, address, quantity));
    }

    [Property(MaxTest = 300)]
    public void WriteSingleRequests_RoundTrip(ushort address, bool coil, ushort register)
    {
        var decodedCoil = new bool[1];
        ModbusPdu.DecodeRequest(_buffer.AsSpan(0, ModbusPdu.EncodeWriteSingleCoilRequest(_buffer, address, coil))).CopyWriteCoils(decodedCoil);
        decodedCoil[0].ShouldBe(coil);

        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, ModbusPdu.EncodeWriteSingleRegisterRequest(_buffer, address, register)));
        var decodedRegister = new ushort[1];
        request.CopyWriteRegisters(decodedRegister);
        (request.WriteAddress, decodedRegister[0]).ShouldBe((address, register));
    }

    [Property(MaxTest = 300)]
    public void WriteMultipleCoilsRequest_RoundTrips(ushort address, ushort rawQuantity, int seed)
    {
        var values = RandomBits(Quantity(rawQuantity, ModbusLimits.MaxWriteBits, address), seed);

        var length = ModbusPdu.EncodeWriteMultipleCoilsRequest(_buffer, address, values);
        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length));
        var decoded = new bool[request.WriteQuantity];
        request.CopyWriteCoils(decoded);

        request.WriteAddress.ShouldBe(address);
        decoded.ShouldBe(values);
    }

    [Property(MaxTest = 300)]
    public void WriteMultipleRegistersRequest_RoundTrips(ushort address, ushort rawQuantity, int seed)
    {
        var values = RandomRegisters(Quantity(rawQuantity, ModbusLimits.MaxWriteRegisters, address), seed);

        var length = ModbusPdu.EncodeWriteMultipleRegistersRequest(_buffer, address, values);
        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length));
        var decoded = new ushort[request.WriteQuantity];
        request.CopyWriteRegisters(decoded);

        request.WriteAddress.ShouldBe(address);
        decoded.ShouldBe(values);
    }

    [Property(MaxTest = 300)]
    public void ReadWriteMultipleRegistersRequest_RoundTrips(ushort readAddress, ushort rawRead, ushort writeAddress, ushort rawWrite, int seed)
    {
        var readQuantity = Quantity(rawRead, ModbusLimits.MaxReadWriteReadRegisters, readAddress);
        var values = RandomRegisters(Quantity(rawWrite, ModbusLimits.MaxReadWriteWriteRegisters, writeAddress), seed);

        var length = ModbusPdu.EncodeReadWriteMultipleRegistersRequest(_buffer, readAddress, readQuantity, writeAddress, values);
        var request = ModbusPdu.DecodeRequest(_buffer.AsSpan(0, length));
        var decoded = new ushort[request.WriteQuantity];
        request.CopyWriteRegisters(decoded);

        (request.ReadAddress, request.ReadQuantity, request.WriteAddress).ShouldBe((readAddress, readQuantity, writeAddress));
        decoded.ShouldBe(values);
    }

    [Property(MaxTest = 300)]
    public void ReadBitsResponse_RoundTrips(bool coils, ushort rawQuantity, int seed)
    {
        var function = coils ? ModbusFunctionCode.ReadCoils : ModbusFunctionCode.ReadDiscreteInputs;
        var values = RandomBits(Quantity(rawQuantity, ModbusLimits.MaxReadBits, 0), seed);

        var length = ModbusPdu.EncodeReadBitsResponse(_buffer, function, values);
        var decoded = new bool[values.Length];
        ModbusPdu.DecodeReadBitsResponse(_buffer.AsSpan(0, length), function, decoded);

        decoded.ShouldBe(values);
    }

    [Property(MaxTest = 300)]
    public void ReadRegistersResponse_RoundTrips(byte functionChoice, ushort rawQuantity, int seed)
    {
        ModbusFunctionCode[] functions = [ModbusFunctionCode.ReadHoldingRegisters, ModbusFunctionCode.ReadInputRegisters, ModbusFunctionCode.ReadWriteMultipleRegisters];
        var function = functions[functionChoice % functions.Length];
        var values = RandomRegisters(Quantity(rawQuantity, ModbusLimits.MaxReadRegisters, 0), seed);

        var length = ModbusPdu.EncodeReadRegistersResponse(_buffer, function, values);
        var decoded = new ushort[values.Length];
        ModbusPdu.DecodeReadRegistersResponse(_buffer.AsSpan(0, length), function, decoded);

        decoded.ShouldBe(values);
    }

    [Property(MaxTest = 300)]
    public void WriteResponse_RoundTrips(byte functionChoice, ushort address, ushort rawValue)
    {
        var (function, value) = (functionChoice % 4) switch
        {
            0 => (ModbusFunctionCode.WriteSingleCoil, rawValue % 2 == 0 ? ModbusPdu.CoilOn : ModbusPdu.CoilOff),
            1 => (ModbusFunctionCode.WriteSingleRegister, rawValue),
            2 => (ModbusFunctionCode.WriteMultipleCoils, Quantity(rawValue, ModbusLimits.MaxWriteBits, address)),
            _ => (ModbusFunctionCode.WriteMultipleRegisters, Quantity(rawValue, ModbusLimits.MaxWriteRegisters, address)),
        };

        var length = ModbusPdu.EncodeWriteResponse(_buffer, function, address, value);

        ModbusPdu.DecodeWriteResponse(_buffer.AsSpan(0, length), function).ShouldBe((address, value));
    }

    [Property(MaxTest = 300)]
    public void Frame_RoundTrips(ushort transactionId, byte unitId, ushort rawLength, int seed)
    {
        var pdu = new byte[1 + (rawLength % ModbusLimits.MaxPduLength)];
        new Random(seed).NextBytes(pdu);
        var frame = new byte[ModbusLimits.MaxAduLength];

        var length = ModbusAdu.Encode(frame, transactionId, unitId, pdu);
        var decoded = ModbusAdu.Decode(frame.AsSpan(0, length), out var header);

        (header.TransactionId, header.UnitId, header.PduLength).ShouldBe((transactionId, unitId, pdu.Length));
        decoded.ToArray().ShouldBe(pdu);
    }

    [Property(MaxTest = 500)]
    public void DecodeRequest_ArbitraryBytes_DecodesOrRefusesWithProtocolException(byte[] pdu)
    {
        try
        {
            ModbusPdu.DecodeRequest(pdu);
        }
        catch (ModbusProtocolException)
        {
        }
    }

    /// <summary>A quantity from 1 to <paramref name="max"/> that fits the address space from <paramref name="address"/>.</summary>
    private static ushort Quantity(ushort raw, int max, ushort address) =>
        (ushort)(1 + (raw % Math.Min(max, 0x10000 - address)));

    private static bool[] RandomBits(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(2) == 1)];
    }

    private static ushort[] RandomRegisters(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (ushort)random.Next(0x10000))];
    }
}
