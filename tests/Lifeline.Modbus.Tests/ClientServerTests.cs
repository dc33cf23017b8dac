using System.Net;
using System.Net.Sockets;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Modbus.Tests;

/// <summary>Our client against our server over real loopback TCP.</summary>
public sealed class ClientServerTests
{
    private const byte Unit = ServerHarness.Unit;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly bool[] TwoCoils = [true, true];

    [Fact(Timeout = 30_000)]
    public async Task ReadCoils()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var coils = await client.ReadCoilsAsync(Unit, 10, 7);

        coils.ShouldBe([false, false, true, false, false, true, false]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadDiscreteInputs()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var inputs = await client.ReadDiscreteInputsAsync(Unit, 3, 4);

        inputs.ShouldBe([false, true, false, true]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadHoldingRegisters()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var registers = await client.ReadHoldingRegistersAsync(Unit, 5, 3);

        registers.ShouldBe([(ushort)1005, (ushort)1006, (ushort)1007]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadInputRegisters()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var registers = await client.ReadInputRegistersAsync(Unit, 299, 1);

        registers.ShouldBe([(ushort)2299]);
    }

    [Fact(Timeout = 30_000)]
    public async Task WriteSingleCoil_ThenReadBack()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = Track(harness.Store);
        var client = await harness.ConnectAsync();

        await client.WriteSingleCoilAsync(Unit, 1, true);
        await client.WriteSingleCoilAsync(Unit, 0, false);

        (await client.ReadCoilsAsync(Unit, 0, 2)).ShouldBe([false, true]);
        writes.ShouldBe([(ModbusTable.Coils, (ushort)1, 1), (ModbusTable.Coils, (ushort)0, 1)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task WriteSingleRegister_ThenReadBack()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = Track(harness.Store);
        var client = await harness.ConnectAsync();

        await client.WriteSingleRegisterAsync(Unit, 4, 0xBEEF);

        harness.Store.GetHoldingRegister(4).ShouldBe((ushort)0xBEEF);
        (await client.ReadHoldingRegistersAsync(Unit, 4, 1)).ShouldBe([(ushort)0xBEEF]);
        writes.ShouldBe([(ModbusTable.HoldingRegisters, (ushort)4, 1)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task WriteMultipleCoils_ThenReadBack()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = Track(harness.Store);
        var client = await harness.ConnectAsync();
        bool[] values = [true, true, false, true, false, false, true, true, true, false, true];

        await client.WriteMultipleCoilsAsync(Unit, 100, values);

        (await client.ReadCoilsAsync(Unit, 100, (ushort)values.Length)).ShouldBe(values);
        writes.ShouldBe([(ModbusTable.Coils, (ushort)100, values.Length)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task WriteMultipleRegisters_ThenReadBack()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = Track(harness.Store);
        var client = await harness.ConnectAsync();

        await client.WriteMultipleRegistersAsync(Unit, 20, new ushort[] { 1, 2, 65535 });

        (await client.ReadHoldingRegistersAsync(Unit, 19, 5)).ShouldBe([(ushort)1019, (ushort)1, (ushort)2, (ushort)65535, (ushort)1023]);
        writes.ShouldBe([(ModbusTable.HoldingRegisters, (ushort)20, 3)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ReadWriteMultipleRegisters_WritesBeforeReading()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = Track(harness.Store);
        var client = await harness.ConnectAsync();

        var read = await client.ReadWriteMultipleRegistersAsync(Unit, readAddress: 9, readCount: 4, writeAddress: 10, new ushort[] { 7, 8 });

        read.ShouldBe([(ushort)1009, (ushort)7, (ushort)8, (ushort)1012]);
        writes.ShouldBe([(ModbusTable.HoldingRegisters, (ushort)10, 2)]);
    }

    [Fact(Timeout = 30_000)]
    public async Task LargestRequests_OverTheWire()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();
        var coils = Enumerable.Range(0, ModbusLimits.MaxWriteBits).Select(i => i % 7 == 0).ToArray();
        var registers = Enumerable.Range(0, ModbusLimits.MaxWriteRegisters).Select(i => (ushort)(i * 3)).ToArray();

        (await client.ReadCoilsAsync(Unit, 0, ModbusLimits.MaxReadBits)).Count(c => c).ShouldBe(667);
        (await client.ReadDiscreteInputsAsync(Unit, 0, ModbusLimits.MaxReadBits)).Count(c => c).ShouldBe(1000);
        (await client.ReadHoldingRegistersAsync(Unit, 0, ModbusLimits.MaxReadRegisters))[124].ShouldBe((ushort)1124);
        (await client.ReadInputRegistersAsync(Unit, 175, ModbusLimits.MaxReadRegisters))[124].ShouldBe((ushort)2299);
        await client.WriteMultipleCoilsAsync(Unit, 2000, coils);
        (await client.ReadCoilsAsync(Unit, 2000, ModbusLimits.MaxWriteBits)).ShouldBe(coils);
        await client.WriteMultipleRegistersAsync(Unit, 0, registers);
        (await client.ReadHoldingRegistersAsync(Unit, 0, ModbusLimits.MaxWriteRegisters)).ShouldBe(registers);
        var read = await client.ReadWriteMultipleRegistersAsync(Unit, 150, ModbusLimits.MaxReadWriteReadRegisters, 150, registers.AsMemory(0, ModbusLimits.MaxReadWriteWriteRegisters));
        read[..121].ShouldBe(registers[..121]);
        read[121..].ShouldBe([(ushort)1271, (ushort)1272, (ushort)1273, (ushort)1274]);
    }

    [Fact(Timeout = 30_000)]
    public async Task AddressOutOfRange_IllegalDataAddress()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var ex = await Should.ThrowAsync<ModbusException>(client.ReadHoldingRegistersAsync(Unit, 299, 2));

        (ex.ExceptionCode, ex.Function, ex.UnitId).ShouldBe((ModbusExceptionCode.IllegalDataAddress, ModbusFunctionCode.ReadHoldingRegisters, Unit));
        ex.Message.ShouldContain("unit 1 answered ReadHoldingRegisters (0x03) with exception IllegalDataAddress (0x02)");
        await Should.ThrowAsync<ModbusException>(client.WriteSingleRegisterAsync(Unit, 300, 1));
        await Should.ThrowAsync<ModbusException>(client.WriteMultipleCoilsAsync(Unit, 3999, TwoCoils));
        await Should.ThrowAsync<ModbusException>(client.ReadWriteMultipleRegistersAsync(Unit, 299, 2, 0, new ushort[] { 1 }));
        harness.Store.GetHoldingRegister(0).ShouldBe((ushort)1000, "a refused read/write writes nothing");
        client.IsConnected.ShouldBeTrue();
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownUnit_GatewayTargetFailedToRespond()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        var ex = await Should.ThrowAsync<ModbusException>(client.ReadCoilsAsync(9, 0, 1));

        (ex.ExceptionCode, ex.Function, ex.UnitId).ShouldBe((ModbusExceptionCode.GatewayTargetFailedToRespond, ModbusFunctionCode.ReadCoils, (byte)9));
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownUnit_Ignored_OnlyThatRequestTimesOut()
    {
        await using var harness = await ServerHarness.StartAsync(ignoreUnknownUnits: true);
        var time = new FakeTimeProvider();
        var client = await harness.ConnectAsync(new ModbusTcpClientOptions { RequestTimeout = TimeSpan.FromSeconds(1) }, time);

        var unanswered = client.ReadHoldingRegistersAsync(9, 0, 1);
        // Requests on one connection are served in order: once this is answered, the other has been ignored.
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);
        unanswered.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Should.ThrowAsync<ModbusTimeoutException>(unanswered.WaitAsync(Bound));
        ex.Message.ShouldContain("no response from unit 9");
        (await client.ReadHoldingRegistersAsync(Unit, 1, 1)).ShouldBe([(ushort)1001]);
    }

    public static TheoryData<ModbusExceptionCode> ExceptionCodes() => [.. Enum.GetValues<ModbusExceptionCode>()];

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(ExceptionCodes))]
    public async Task EveryExceptionCode_ReachesTheClient(ModbusExceptionCode code)
    {
        await using var server = new ModbusTcpServer(new ModbusTcpServerOptions { Port = 0 });
        server.AddUnit(7, new RefusingStore(new ModbusException(code, "refused")));
        await server.StartAsync();
        await using var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port);

        var ex = await Should.ThrowAsync<ModbusException>(client.WriteMultipleRegistersAsync(7, 0, new ushort[] { 1 }));

        (ex.ExceptionCode, ex.Function, ex.UnitId).ShouldBe((code, ModbusFunctionCode.WriteMultipleRegisters, (byte)7));
    }

    [Fact(Timeout = 30_000)]
    public async Task FaultyStore_ServerDeviceFailure_Logged()
    {
        var logger = new CapturingLogger();
        await using var server = new ModbusTcpServer(new ModbusTcpServerOptions { Port = 0 }, logger);
        server.AddUnit(1, new RefusingStore(new InvalidOperationException("disk on fire")));
        await server.StartAsync();
        await using var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port);

        var ex = await Should.ThrowAsync<ModbusException>(client.ReadInputRegistersAsync(1, 0, 1));

        ex.ExceptionCode.ShouldBe(ModbusExceptionCode.ServerDeviceFailure);
        logger.Entries.ShouldContain(e => e.EventId == 529 && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        (await Should.ThrowAsync<ModbusException>(client.ReadInputRegistersAsync(1, 0, 1))).ExceptionCode
            .ShouldBe(ModbusExceptionCode.ServerDeviceFailure, "the connection survives");
    }

    [Fact(Timeout = 60_000)]
    public async Task Pipelining_HundredConcurrentRequestsOnOneConnection()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync(new ModbusTcpClientOptions { MaxInFlight = 100 });

        var reads = Enumerable.Range(0, 100).Select(i => client.ReadHoldingRegistersAsync(Unit, (ushort)i, 3)).ToArray();
        var results = await Task.WhenAll(reads).WaitAsync(Bound);

        for (var i = 0; i < results.Length; i++)
        {
            results[i].ShouldBe([(ushort)(1000 + i), (ushort)(1001 + i), (ushort)(1002 + i)]);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Pipelining_MixedFunctionsBeyondMaxInFlight()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync(new ModbusTcpClientOptions { MaxInFlight = 4 });

        var work = Enumerable.Range(0, 200).Select(async i =>
        {
            switch (i % 4)
            {
                case 0:
                    (await client.ReadInputRegistersAsync(Unit, (ushort)i, 1)).ShouldBe([(ushort)(2000 + i)]);
                    break;
                case 1:
                    (await client.ReadCoilsAsync(Unit, (ushort)i, 1)).ShouldBe([i % 3 == 0]);
                    break;
                case 2:
                    await client.WriteSingleRegisterAsync(Unit, (ushort)i, (ushort)(5000 + i));
                    break;
                default:
                    (await client.ReadDiscreteInputsAsync(Unit, (ushort)i, 1)).ShouldBe([i % 2 == 0]);
                    break;
            }
        });
        await Task.WhenAll(work).WaitAsync(Bound);

        harness.Store.GetHoldingRegister(198).ShouldBe((ushort)5198);
    }

    [Fact(Timeout = 60_000)]
    public async Task ManyConnectionsAtOnce()
    {
        await using var harness = await ServerHarness.StartAsync();
        var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => harness.ConnectAsync()));

        var work = clients.Select(async (client, c) =>
        {
            for (var i = 0; i < 20; i++)
            {
                var address = (ushort)((c * 10) + i);
                (await client.ReadHoldingRegistersAsync(Unit, address, 1)).ShouldBe([(ushort)(1000 + address)]);
            }
        });
        await Task.WhenAll(work).WaitAsync(Bound);
    }

    [Fact(Timeout = 30_000)]
    public async Task SeveralUnits_EachItsOwnStore()
    {
        await using var harness = await ServerHarness.StartAsync();
        var second = new ModbusDataStore(0, 0, 1, 0);
        second.SetHoldingRegisters(0, 42);
        harness.Server.AddUnit(2, second);
        var client = await harness.ConnectAsync();

        (await client.ReadHoldingRegistersAsync(2, 0, 1)).ShouldBe([(ushort)42]);
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);
        Should.Throw<ArgumentException>(() => harness.Server.AddUnit(2, second));
        harness.Server.RemoveUnit(2).ShouldBeTrue();
        (await Should.ThrowAsync<ModbusException>(client.ReadHoldingRegistersAsync(2, 0, 1))).ExceptionCode
            .ShouldBe(ModbusExceptionCode.GatewayTargetFailedToRespond);
    }

    [Fact(Timeout = 30_000)]
    public async Task ServerStops_PendingAndLaterRequestsFailWithConnectionLost()
    {
        await using var harness = await ServerHarness.StartAsync(ignoreUnknownUnits: true);
        var client = await harness.ConnectAsync();
        var pending = client.ReadHoldingRegistersAsync(9, 0, 1);
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);

        await harness.Server.StopAsync().WaitAsync(Bound);

        var ex = await Should.ThrowAsync<ModbusConnectionException>(pending.WaitAsync(Bound));
        ex.Message.ShouldContain("the server closed the connection");
        client.IsConnected.ShouldBeFalse();
        await Should.ThrowAsync<ModbusConnectionException>(client.ReadHoldingRegistersAsync(Unit, 0, 1).WaitAsync(Bound));
        Should.Throw<InvalidOperationException>(() => harness.Server.LocalEndPoint);
    }

    [Fact(Timeout = 30_000)]
    public async Task Server_CanBeRestarted()
    {
        await using var harness = await ServerHarness.StartAsync();
        var port = harness.Port;
        await harness.Server.StopAsync();

        await harness.Server.StartAsync();

        harness.Server.LocalEndPoint.Port.ShouldNotBe(0);
        var client = await harness.ConnectAsync();
        (await client.ReadInputRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)2000]);
        await Should.ThrowAsync<InvalidOperationException>(() => harness.Server.StartAsync());
        port.ShouldNotBe(0);
    }

    [Fact(Timeout = 30_000)]
    public async Task ClientDisposed_PendingFailAndLaterCallsRefused()
    {
        await using var harness = await ServerHarness.StartAsync(ignoreUnknownUnits: true);
        var client = await harness.ConnectAsync();
        var pending = client.ReadHoldingRegistersAsync(9, 0, 1);
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);

        await client.DisposeAsync().AsTask().WaitAsync(Bound);

        await Should.ThrowAsync<ObjectDisposedException>(pending.WaitAsync(Bound));
        await Should.ThrowAsync<ObjectDisposedException>(client.ReadHoldingRegistersAsync(Unit, 0, 1));
        client.IsConnected.ShouldBeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task CallerCancels_OnlyThatRequestEnds()
    {
        await using var harness = await ServerHarness.StartAsync(ignoreUnknownUnits: true);
        var client = await harness.ConnectAsync();
        using var cts = new CancellationTokenSource();
        var pending = client.ReadHoldingRegistersAsync(9, 0, 1, cts.Token);
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(pending.WaitAsync(Bound));
        (await client.ReadHoldingRegistersAsync(Unit, 1, 1)).ShouldBe([(ushort)1001]);
    }

    [Fact(Timeout = 30_000)]
    public async Task InvalidArguments_RefusedBeforeSending()
    {
        await using var harness = await ServerHarness.StartAsync();
        var client = await harness.ConnectAsync();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.ReadHoldingRegistersAsync(Unit, 0, 0));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.ReadHoldingRegistersAsync(Unit, 0, 126));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.ReadCoilsAsync(Unit, 0, 2001));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.WriteMultipleRegistersAsync(Unit, 0, new ushort[124]));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.WriteMultipleCoilsAsync(Unit, 0, new bool[1969]));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.ReadWriteMultipleRegistersAsync(Unit, 0, 1, 0, new ushort[122]));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(client.ReadHoldingRegistersAsync(Unit, 65535, 2));
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);
    }

    [Fact(Timeout = 30_000)]
    public async Task NothingListening_ConnectionException()
    {
        var ex = await Should.ThrowAsync<ModbusConnectionException>(ModbusTcpClient.ConnectAsync("127.0.0.1", FreePort.Next()));

        ex.Message.ShouldContain("cannot connect to 127.0.0.1:");
    }

    [Fact(Timeout = 30_000)]
    public async Task ServerNeverAccepting_ConnectTimesOut()
    {
        // A listener whose accept queue is full: Linux drops further SYNs, so connecting hangs until the timeout.
        // With a backlog of 0 Linux queues exactly one connection.
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var queued = new List<Socket>();
        try
        {
            var filler = new Socket(SocketType.Stream, ProtocolType.Tcp);
            queued.Add(filler);
            await filler.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound);

            var time = new FakeTimeProvider();
            var connecting = ModbusTcpClient.ConnectAsync("127.0.0.1", port, new ModbusTcpClientOptions { ConnectTimeout = TimeSpan.FromSeconds(3) }, time);
            connecting.IsCompleted.ShouldBeFalse();
            time.Advance(TimeSpan.FromSeconds(3));

            var ex = await Should.ThrowAsync<ModbusTimeoutException>(connecting.WaitAsync(Bound));
            ex.Message.ShouldBe($"connecting to 127.0.0.1:{port} timed out after 3000 ms");
        }
        finally
        {
            queued.ForEach(s => s.Dispose());
        }
    }

    private static List<(ModbusTable Table, ushort Address, int Count)> Track(ModbusDataStore store)
    {
        var writes = new List<(ModbusTable, ushort, int)>();
        store.Written += (_, e) =>
        {
            lock (writes)
            {
                writes.Add((e.Table, e.Address, e.Count));
            }
        };
        return writes;
    }

    /// <summary>A store that throws on every access.</summary>
    private sealed class RefusingStore(Exception exception) : IModbusDataStore
    {
        public bool TryReadCoils(ushort address, Span<bool> values) => throw exception;

        public bool TryReadDiscreteInputs(ushort address, Span<bool> values) => throw exception;

        public bool TryReadHoldingRegisters(ushort address, Span<ushort> values) => throw exception;

        public bool TryReadInputRegisters(ushort address, Span<ushort> values) => throw exception;

        public bool TryWriteCoils(ushort address, ReadOnlySpan<bool> values) => throw exception;

        public bool TryWriteHoldingRegisters(ushort address, ReadOnlySpan<ushort> values) => throw exception;

        public bool TryWriteReadHoldingRegisters(ushort writeAddress, ReadOnlySpan<ushort> writeValues, ushort readAddress, Span<ushort> readValues) =>
            throw exception;
    }
}
