namespace Lifeline.Modbus.Tests;

public sealed class ModbusDataStoreTests
{
    private readonly ModbusDataStore _store = new(coils: 16, discreteInputs: 8, holdingRegisters: 10, inputRegisters: 4);

    private IModbusDataStore Served => _store;

    [Fact]
    public void SetThenRead_EveryTable()
    {
        _store.SetCoils(2, true, false, true);
        _store.SetDiscreteInputs(7, true);
        _store.SetHoldingRegisters(8, 0xABCD, 0x1234);
        _store.SetInputRegisters(0, 1, 2, 3, 4);

        var coils = new bool[4];
        Served.TryReadCoils(1, coils).ShouldBeTrue();
        coils.ShouldBe([false, true, false, true]);
        var inputs = new bool[1];
        Served.TryReadDiscreteInputs(7, inputs).ShouldBeTrue();
        inputs[0].ShouldBeTrue();
        var holding = new ushort[2];
        Served.TryReadHoldingRegisters(8, holding).ShouldBeTrue();
        holding.ShouldBe([(ushort)0xABCD, (ushort)0x1234]);
        var input = new ushort[4];
        Served.TryReadInputRegisters(0, input).ShouldBeTrue();
        input.ShouldBe([(ushort)1, (ushort)2, (ushort)3, (ushort)4]);
        (_store.GetCoil(2), _store.GetDiscreteInput(7), _store.GetHoldingRegister(9), _store.GetInputRegister(3))
            .ShouldBe((true, true, (ushort)0x1234, (ushort)4));
    }

    [Fact]
    public void Ranges_UpToTheLastAddress_Served_OnePastRefused()
    {
        Served.TryReadHoldingRegisters(0, new ushort[10]).ShouldBeTrue();
        Served.TryReadHoldingRegisters(9, new ushort[1]).ShouldBeTrue();
        Served.TryReadHoldingRegisters(9, new ushort[2]).ShouldBeFalse();
        Served.TryReadHoldingRegisters(10, new ushort[1]).ShouldBeFalse();
        Served.TryReadCoils(15, new bool[2]).ShouldBeFalse();
        Served.TryReadDiscreteInputs(8, new bool[1]).ShouldBeFalse();
        Served.TryReadInputRegisters(65535, new ushort[1]).ShouldBeFalse();
        Served.TryWriteCoils(16, [true]).ShouldBeFalse();
        Served.TryWriteHoldingRegisters(9, [1, 2]).ShouldBeFalse();
        _store.GetHoldingRegister(9).ShouldBe((ushort)0, "a refused write changes nothing");
        Should.Throw<ArgumentOutOfRangeException>(() => _store.SetInputRegisters(3, 1, 2));
        Should.Throw<ArgumentOutOfRangeException>(() => _store.GetCoil(16));
    }

    [Fact]
    public void ClientWrites_RaiseWritten_OwnerSetsDoNot()
    {
        var events = new List<ModbusWriteEventArgs>();
        _store.Written += (_, e) => events.Add(e);

        _store.SetHoldingRegisters(0, 1);
        _store.SetCoils(0, true);
        Served.TryWriteCoils(3, [true, true]).ShouldBeTrue();
        Served.TryWriteHoldingRegisters(4, [7, 8, 9]).ShouldBeTrue();
        Served.TryWriteHoldingRegisters(9, [1, 2]).ShouldBeFalse();

        events.Select(e => (e.Table, e.Address, e.Count)).ShouldBe(
            [(ModbusTable.Coils, (ushort)3, 2), (ModbusTable.HoldingRegisters, (ushort)4, 3)]);
    }

    [Fact]
    public void WriteRead_WritesFirstThenReads()
    {
        var events = new List<ModbusWriteEventArgs>();
        _store.Written += (_, e) => events.Add(e);
        _store.SetHoldingRegisters(0, 10, 11, 12, 13);
        var read = new ushort[4];

        Served.TryWriteReadHoldingRegisters(1, [21, 22], 0, read).ShouldBeTrue();

        read.ShouldBe([(ushort)10, (ushort)21, (ushort)22, (ushort)13]);
        events.Single().Table.ShouldBe(ModbusTable.HoldingRegisters);
    }

    [Fact]
    public void WriteRead_ReadOutOfRange_WritesNothing()
    {
        Served.TryWriteReadHoldingRegisters(0, [5], 9, new ushort[2]).ShouldBeFalse();

        _store.GetHoldingRegister(0).ShouldBe((ushort)0);
    }

    [Fact]
    public void GetHoldingRegisters_ReadsConsecutiveWordsAtOnce()
    {
        _store.SetHoldingRegisters(2, 0x42F6, 0xE979);
        var words = new ushort[2];

        _store.GetHoldingRegisters(2, words);

        ModbusRegisters.ToSingle(words).ShouldBe(123.456f);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(65537)]
    public void Size_OutOfRange_Refused(int size) =>
        Should.Throw<ArgumentOutOfRangeException>(() => new ModbusDataStore(size, 0, 0, 0));

    [Fact]
    public void FullAddressSpace_Allowed()
    {
        IModbusDataStore store = new ModbusDataStore(0, 0, 65536, 0);

        store.TryWriteHoldingRegisters(65535, [42]).ShouldBeTrue();
    }
}
