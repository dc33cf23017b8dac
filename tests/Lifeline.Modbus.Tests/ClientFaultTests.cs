using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using Lifeline.Testing;

namespace Lifeline.Modbus.Tests;

/// <summary>Our client against a scripted server that answers late, out of order, wrongly or with garbage.</summary>
public sealed class ClientFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);
    private static readonly bool[] OnOff = [true, false];

    private readonly ScriptedServer _server = new();
    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger _logger = new();
    private ModbusTcpClient _client = null!;
    private RawConnection _peer = null!;

    public async ValueTask InitializeAsync()
    {
        var connecting = ModbusTcpClient.ConnectAsync(
            "127.0.0.1", _server.Port, new ModbusTcpClientOptions { RequestTimeout = RequestTimeout, MaxInFlight = 8 }, _time, _logger);
        _peer = await _server.AcceptAsync();
        _client = await connecting.WaitAsync(Bound);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _peer.DisposeAsync();
        _server.Dispose();
    }

    [Fact(Timeout = 30_000)]
    public async Task Requests_CarryDistinctTransactionIds_AndTheirPdu()
    {
        var read = _client.ReadInputRegistersAsync(3, 0x0102, 2);
        var write = _client.WriteSingleCoilAsync(3, 7, true);

        var first = await _peer.ReadFrameAsync();
        var second = await _peer.ReadFrameAsync();

        Hex.Of(first.AsSpan(2)).ShouldBe("00 00 00 06 03 04 01 02 00 02");
        Hex.Of(second.AsSpan(2)).ShouldBe("00 00 00 06 03 05 00 07 FF 00");
        var firstId = MbapHeader.Decode(first).TransactionId;
        var secondId = MbapHeader.Decode(second).TransactionId;
        firstId.ShouldNotBe(secondId);
        await _peer.SendFrameAsync(secondId, 3, 0x05, 0x00, 0x07, 0xFF, 0x00);
        await _peer.SendFrameAsync(firstId, 3, 0x04, 0x04, 0x00, 0x01, 0x00, 0x02);
        (await read.WaitAsync(Bound)).ShouldBe([(ushort)1, (ushort)2]);
        await write.WaitAsync(Bound);
    }

    [Fact(Timeout = 30_000)]
    public async Task OutOfOrderResponses_MatchedByTransactionId()
    {
        var reads = Enumerable.Range(0, 8).Select(i => _client.ReadHoldingRegistersAsync(1, (ushort)(i * 10), 1)).ToArray();
        var requests = new List<(ushort Id, byte Unit, byte[] Pdu)>();
        for (var i = 0; i < reads.Length; i++)
        {
            requests.Add(await _peer.ReadRequestAsync());
        }

        // Answer in reverse order, each with its address as value, all in one write.
        var answers = requests.AsEnumerable().Reverse()
            .SelectMany(r => RawConnection.Frame(r.Id, r.Unit, 0x03, 0x02, r.Pdu[1], r.Pdu[2]))
            .ToArray();
        await _peer.SendAsync(answers);

        var results = await Task.WhenAll(reads).WaitAsync(Bound);
        results.Select(r => (int)r[0]).ShouldBe(Enumerable.Range(0, 8).Select(i => i * 10));
    }

    [Fact(Timeout = 30_000)]
    public async Task OneRequestTimesOut_OthersSucceed_ConnectionCarriesOn()
    {
        var first = _client.ReadHoldingRegistersAsync(1, 1, 1);
        var second = _client.ReadHoldingRegistersAsync(1, 2, 1);
        var third = _client.ReadHoldingRegistersAsync(1, 3, 1);
        var requests = new[] { await _peer.ReadRequestAsync(), await _peer.ReadRequestAsync(), await _peer.ReadRequestAsync() };
        var unanswered = requests.Single(r => r.Pdu[2] == 2);

        foreach (var r in requests.Where(r => r != unanswered))
        {
            await _peer.SendFrameAsync(r.TransactionId, 1, 0x03, 0x02, 0x00, r.Pdu[2]);
        }

        (await first.WaitAsync(Bound)).ShouldBe([(ushort)1]);
        (await third.WaitAsync(Bound)).ShouldBe([(ushort)3]);
        _time.Advance(RequestTimeout - TimeSpan.FromMilliseconds(1));
        second.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var ex = await Should.ThrowAsync<ModbusTimeoutException>(second.WaitAsync(Bound));
        ex.Message.ShouldContain($"no response from unit 1 at 127.0.0.1:{_server.Port} to ReadHoldingRegisters (0x03) (transaction {unanswered.TransactionId}) within 1000 ms");

        // The late answer is discarded; the next request gets its own answer.
        await _peer.SendFrameAsync(unanswered.TransactionId, 1, 0x03, 0x02, 0xDE, 0xAD);
        var next = _client.ReadHoldingRegistersAsync(1, 4, 1);
        var request = await _peer.ReadRequestAsync();
        await _peer.SendFrameAsync(request.TransactionId, 1, 0x03, 0x02, 0x00, 0x04);
        (await next.WaitAsync(Bound)).ShouldBe([(ushort)4]);
        _client.IsConnected.ShouldBeTrue();
        _logger.Entries.ShouldContain(e => e.EventId == 502 && e.Message.Contains($"unknown transaction id {unanswered.TransactionId}"));
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownTransactionId_LoggedAndDiscarded()
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 1);
        var request = await _peer.ReadRequestAsync();

        await _peer.SendFrameAsync((ushort)(request.TransactionId + 1000), 1, 0x03, 0x02, 0xBA, 0xD0);
        await _peer.SendFrameAsync(request.TransactionId, 1, 0x03, 0x02, 0x00, 0x2A);

        (await read.WaitAsync(Bound)).ShouldBe([(ushort)42]);
        _logger.Entries.ShouldContain(e => e.Level == LogLevel.Warning && e.EventId == 502
            && e.Message.Contains($"unknown transaction id {request.TransactionId + 1000}"));
        _client.IsConnected.ShouldBeTrue();
    }

    [Fact(Timeout = 30_000)]
    public async Task MaxInFlight_FurtherRequestsWaitForASlot()
    {
        var reads = Enumerable.Range(0, 10).Select(i => _client.ReadCoilsAsync(1, (ushort)i, 1)).ToArray();
        var requests = new List<(ushort Id, byte Unit, byte[] Pdu)>();
        for (var i = 0; i < 8; i++)
        {
            requests.Add(await _peer.ReadRequestAsync());
        }

        // With 8 in flight the ninth must not be sent. A bounded wait can only miss a fault, never invent one.
        var ninth = _peer.ReadRequestAsync();
        (await Task.WhenAny(ninth, Task.Delay(300))).ShouldNotBe(ninth, "a ninth request went out with 8 in flight");

        // Each answer frees one slot for one more request.
        await _peer.SendFrameAsync(requests[0].Id, 1, 0x01, 0x01, 0x01);
        requests.Add(await ninth.WaitAsync(Bound));
        await _peer.SendFrameAsync(requests[1].Id, 1, 0x01, 0x01, 0x00);
        requests.Add(await _peer.ReadRequestAsync());
        foreach (var r in requests.Skip(2))
        {
            await _peer.SendFrameAsync(r.Id, 1, 0x01, 0x01, 0x00);
        }

        (await reads[0].WaitAsync(Bound)).ShouldBe([true]);

        await Task.WhenAll(reads).WaitAsync(Bound);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("48 54 54 50 2F 31 2E 31 20 34 30 30 0D 0A 0D 0A", "protocol identifier is 0x5450")]
    [InlineData("00 01 00 00 01 00 01 03", "length field is 256")]
    [InlineData("00 01 00 00 00 01 01", "length field is 1")]
    public async Task Garbage_FailsAllPendingRequests_AndClosesTheConnection(string garbage, string reason)
    {
        var reads = Enumerable.Range(0, 3).Select(i => _client.ReadHoldingRegistersAsync(1, (ushort)i, 1)).ToArray();
        for (var i = 0; i < reads.Length; i++)
        {
            await _peer.ReadRequestAsync();
        }

        await _peer.SendAsync(Hex.Bytes(garbage));

        foreach (var read in reads)
        {
            var ex = await Should.ThrowAsync<ModbusConnectionException>(read.WaitAsync(Bound));
            ex.Message.ShouldContain("the server sent a malformed frame");
            ex.Message.ShouldContain(reason);
            ex.InnerException.ShouldBeOfType<ModbusProtocolException>();
        }

        _client.IsConnected.ShouldBeFalse();
        (await _peer.WaitForCloseAsync()).ShouldBeTrue("the client closes the connection");
        await Should.ThrowAsync<ModbusConnectionException>(_client.ReadHoldingRegistersAsync(1, 0, 1).WaitAsync(Bound));
        _logger.Entries.ShouldContain(e => e.EventId == 501 && e.Message.Contains(reason));
    }

    [Fact(Timeout = 30_000)]
    public async Task ServerClosesConnection_PendingRequestsFail()
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 1);
        await _peer.ReadRequestAsync();

        await _peer.DisposeAsync();

        var ex = await Should.ThrowAsync<ModbusConnectionException>(read.WaitAsync(Bound));
        ex.Message.ShouldContain("the server closed the connection");
        _client.IsConnected.ShouldBeFalse();
    }

    [Fact(Timeout = 30_000)]
    public async Task ServerClosesInTheMiddleOfAFrame_PendingRequestsFail()
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 1);
        var request = await _peer.ReadRequestAsync();

        await _peer.SendAsync(RawConnection.Frame(request.TransactionId, 1, 0x03, 0x02, 0x00, 0x01)[..9]);
        await _peer.DisposeAsync();

        var ex = await Should.ThrowAsync<ModbusConnectionException>(read.WaitAsync(Bound));
        ex.Message.ShouldContain("in the middle of a frame (9 bytes received)");
    }

    [Fact(Timeout = 30_000)]
    public async Task ServerResetsConnection_PendingRequestsFail()
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 1);
        await _peer.ReadRequestAsync();

        _peer.Abort();

        await Should.ThrowAsync<ModbusConnectionException>(read.WaitAsync(Bound));
    }

    [Fact(Timeout = 30_000)]
    public async Task FrameArrivingByteByByte_Assembled()
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 2);
        var request = await _peer.ReadRequestAsync();

        foreach (var b in RawConnection.Frame(request.TransactionId, 1, 0x03, 0x04, 0x12, 0x34, 0x56, 0x78))
        {
            await _peer.SendAsync([b]);
        }

        (await read.WaitAsync(Bound)).ShouldBe([(ushort)0x1234, (ushort)0x5678]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ExceptionResponse_ModbusException()
    {
        var write = _client.WriteSingleRegisterAsync(4, 1, 2);
        var request = await _peer.ReadRequestAsync();

        await _peer.SendFrameAsync(request.TransactionId, 4, 0x86, 0x06);

        var ex = await Should.ThrowAsync<ModbusException>(write.WaitAsync(Bound));
        (ex.ExceptionCode, ex.Function, ex.UnitId).ShouldBe((ModbusExceptionCode.ServerDeviceBusy, ModbusFunctionCode.WriteSingleRegister, (byte)4));
    }

    public static TheoryData<string, byte[], string> WrongAnswers() => new()
    {
        { "unit", [0x03, 0x02, 0x00, 0x01], "comes from unit 2, the request went to unit 1" },
        { "function", [0x04, 0x02, 0x00, 0x01], "function code 0x04 in the response, ReadHoldingRegisters (0x03) expected" },
        { "exception function", [0x84, 0x02], "exception response for ReadInputRegisters (0x04) to a ReadHoldingRegisters (0x03) request" },
        { "byte count", [0x03, 0x04, 0x00, 0x01, 0x00, 0x02], "byte count 4 does not match the 1 registers requested" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(WrongAnswers))]
    public async Task ResponseNotMatchingTheRequest_FailsThatRequestOnly(string what, byte[] pdu, string message)
    {
        var read = _client.ReadHoldingRegistersAsync(1, 0, 1);
        var request = await _peer.ReadRequestAsync();

        await _peer.SendFrameAsync(request.TransactionId, what == "unit" ? (byte)2 : (byte)1, pdu);

        (await Should.ThrowAsync<ModbusProtocolException>(read.WaitAsync(Bound))).Message.ShouldContain(message);
        var next = _client.ReadHoldingRegistersAsync(1, 0, 1);
        var nextRequest = await _peer.ReadRequestAsync();
        await _peer.SendFrameAsync(nextRequest.TransactionId, 1, 0x03, 0x02, 0x00, 0x07);
        (await next.WaitAsync(Bound)).ShouldBe([(ushort)7]);
    }

    public static TheoryData<string, byte[], string> WrongEchoes() => new()
    {
        { "coil", [0x05, 0x00, 0x07, 0x00, 0x00], "echoes address 7 and value 0, the request had 7 and 65280" },
        { "register", [0x06, 0x00, 0x08, 0x00, 0x02], "echoes address 8 and value 2, the request had 7 and 2" },
        { "coils", [0x0F, 0x00, 0x07, 0x00, 0x03], "echoes address 7 and quantity 3, the request had 7 and 2" },
        { "registers", [0x10, 0x00, 0x07, 0x00, 0x01], "echoes address 7 and quantity 1, the request had 7 and 2" },
    };

    [Theory(Timeout = 30_000)]
    [MemberData(nameof(WrongEchoes))]
    public async Task WriteEchoMismatch_ProtocolException(string what, byte[] pdu, string message)
    {
        var write = what switch
        {
            "coil" => _client.WriteSingleCoilAsync(1, 7, true),
            "register" => _client.WriteSingleRegisterAsync(1, 7, 2),
            "coils" => _client.WriteMultipleCoilsAsync(1, 7, OnOff),
            _ => _client.WriteMultipleRegistersAsync(1, 7, new ushort[] { 1, 2 }),
        };
        var request = await _peer.ReadRequestAsync();

        await _peer.SendFrameAsync(request.TransactionId, 1, pdu);

        (await Should.ThrowAsync<ModbusProtocolException>(write.WaitAsync(Bound))).Message.ShouldContain(message);
    }
}
