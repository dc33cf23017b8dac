namespace Lifeline.Modbus.Tests;

/// <summary>Raw bytes against our server: exception answers, pipelining, malformed frames.</summary>
public sealed class ServerRobustnessTests
{
    private const byte Unit = ServerHarness.Unit;

    [Fact(Timeout = 30_000)]
    public async Task PipelinedRequestsInOneWrite_AnsweredInOrder()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendAsync([
            .. RawConnection.Frame(1, Unit, 0x03, 0x00, 0x00, 0x00, 0x01),
            .. RawConnection.Frame(2, Unit, 0x04, 0x00, 0x01, 0x00, 0x01),
            .. RawConnection.Frame(3, Unit, 0x06, 0x00, 0x02, 0x00, 0x09),
        ]);

        Hex.Of(await raw.ReadFrameAsync()).ShouldBe("00 01 00 00 00 05 01 03 02 03 E8");
        Hex.Of(await raw.ReadFrameAsync()).ShouldBe("00 02 00 00 00 05 01 04 02 07 D1");
        Hex.Of(await raw.ReadFrameAsync()).ShouldBe("00 03 00 00 00 06 01 06 00 02 00 09");
    }

    [Fact(Timeout = 30_000)]
    public async Task RequestArrivingByteByByte_Answered()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        foreach (var b in RawConnection.Frame(7, Unit, 0x03, 0x00, 0x05, 0x00, 0x01))
        {
            await raw.SendAsync([b]);
        }

        Hex.Of(await raw.ReadFrameAsync()).ShouldBe("00 07 00 00 00 05 01 03 02 03 ED");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("2B 0E 01 00", "AB 01")] // Read Device Identification: not supported
    [InlineData("07", "87 01")] // Read Exception Status (serial line only)
    [InlineData("83 00 00 00 01", "83 01")] // an exception function code as request
    [InlineData("03 00 00 00 7E", "83 03")] // 126 registers
    [InlineData("03 00 00 00 00", "83 03")] // 0 registers
    [InlineData("01 00 00 07 D1", "81 03")] // 2001 coils
    [InlineData("03 00 00 00", "83 03")] // truncated PDU
    [InlineData("05 00 00 12 34", "85 03")] // coil value neither on nor off
    [InlineData("10 00 00 00 02 03 00 01 00", "90 03")] // byte count does not match quantity
    [InlineData("0F 00 00 00 09 02 FF", "8F 03")] // fewer data bytes than the byte count
    [InlineData("17 00 00 00 01 00 00 00 7A F4", "97 03")] // FC23 writing 122 registers
    [InlineData("03 01 2B 00 02", "83 02")] // registers 299–300, the store ends at 299
    [InlineData("04 FF FF 00 01", "84 02")] // last address of the address space
    [InlineData("02 0F 9F 00 02", "82 02")] // inputs 3999–4000
    [InlineData("06 01 2C 00 01", "86 02")] // register 300
    [InlineData("17 00 00 00 01 01 2C 00 01 02 00 01", "97 02")] // FC23 writing past the end
    public async Task InvalidRequest_AnsweredWithTheSpecifiedException(string pdu, string response)
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendFrameAsync(0x0102, Unit, Hex.Bytes(pdu));

        var answer = ModbusAdu.Decode(await raw.ReadFrameAsync(), out var header);
        (header.TransactionId, header.UnitId).ShouldBe(((ushort)0x0102, Unit));
        Hex.Of(answer).ShouldBe(response);
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownUnit_GatewayTargetFailedToRespond()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendFrameAsync(5, 42, 0x03, 0x00, 0x00, 0x00, 0x01);

        Hex.Of(await raw.ReadFrameAsync()).ShouldBe("00 05 00 00 00 03 2A 83 0B");
    }

    [Fact(Timeout = 30_000)]
    public async Task UnknownUnit_Ignored_NextRequestStillAnswered()
    {
        await using var harness = await ServerHarness.StartAsync(ignoreUnknownUnits: true);
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendFrameAsync(5, 42, 0x03, 0x00, 0x00, 0x00, 0x01);
        await raw.SendFrameAsync(6, Unit, 0x03, 0x00, 0x00, 0x00, 0x01);

        MbapHeader.Decode(await raw.ReadFrameAsync()).TransactionId.ShouldBe((ushort)6, "no answer for the unknown unit");
    }

    [Theory(Timeout = 30_000)]
    [InlineData("00 01 00 07 00 06 01 03 00 00 00 01", "protocol identifier is 0x0007")]
    [InlineData("00 01 00 00 01 00 01 03", "length field is 256")]
    [InlineData("00 01 00 00 00 01 01", "length field is 1")]
    [InlineData("47 45 54 20 2F 20 48 54 54 50 2F 31 2E 31 0D 0A", "protocol identifier is 0x5420")]
    public async Task MalformedFrame_ClosesThatConnectionOnly(string garbage, string reason)
    {
        await using var harness = await ServerHarness.StartAsync();
        var bystander = await harness.ConnectAsync();
        (await bystander.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);
        await using var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendAsync(Hex.Bytes(garbage));

        (await raw.WaitForCloseAsync()).ShouldBeTrue("the server closes the offending connection");
        harness.Logger.Entries.ShouldContain(e => e.EventId == 524 && e.Message.Contains(reason));
        (await bystander.ReadHoldingRegistersAsync(Unit, 1, 1)).ShouldBe([(ushort)1001]);
        await using var newcomer = await ModbusTcpClient.ConnectAsync("127.0.0.1", harness.Port);
        (await newcomer.ReadInputRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)2000]);
    }

    [Fact(Timeout = 30_000)]
    public async Task ClientVanishingMidFrame_ServerCarriesOn()
    {
        await using var harness = await ServerHarness.StartAsync();
        var raw = await RawConnection.ConnectAsync(harness.Port);

        await raw.SendAsync(RawConnection.Frame(1, Unit, 0x03, 0x00, 0x00, 0x00, 0x01)[..9]);
        raw.Abort();
        await raw.DisposeAsync();

        var client = await harness.ConnectAsync();
        (await client.ReadHoldingRegistersAsync(Unit, 0, 1)).ShouldBe([(ushort)1000]);
    }

    [Fact(Timeout = 30_000)]
    public async Task StopAsync_ClosesOpenConnections()
    {
        await using var harness = await ServerHarness.StartAsync();
        await using var raw = await RawConnection.ConnectAsync(harness.Port);
        await raw.SendFrameAsync(1, Unit, 0x03, 0x00, 0x00, 0x00, 0x01);
        await raw.ReadFrameAsync();

        await harness.Server.StopAsync().WaitAsync(RawConnection.Timeout);

        (await raw.WaitForCloseAsync()).ShouldBeTrue();
    }
}
