using System.Globalization;
using System.Text.RegularExpressions;

namespace Lifeline.Modbus.Tests;

/// <summary>
/// mbpoll (Debian package, built on libmodbus) as the master against our server. mbpoll numbers references from 1
/// unless given -0: reference 1 is PDU address 0.
/// </summary>
public sealed partial class MbpollInteropTests
{
    private const byte Unit = ServerHarness.Unit;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 60_000)]
    public async Task ReadsHoldingRegisters()
    {
        await using var harness = await ServerHarness.StartAsync();

        var values = await ReadAsync(harness, "-t", "4", "-r", "1", "-c", "10");

        values.ShouldBe(Enumerable.Range(0, 10).Select(i => (i + 1, (1000 + i).ToString(CultureInfo.InvariantCulture))));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadsInputRegisters_WithPduAddressing()
    {
        await using var harness = await ServerHarness.StartAsync();

        var values = await ReadAsync(harness, "-t", "3", "-0", "-r", "290", "-c", "10");

        values.ShouldBe(Enumerable.Range(290, 10).Select(i => (i, (2000 + i).ToString(CultureInfo.InvariantCulture))));
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadsCoils()
    {
        await using var harness = await ServerHarness.StartAsync();

        var values = await ReadAsync(harness, "-t", "0", "-r", "1", "-c", "7");

        values.Select(v => v.Value).ShouldBe(["1", "0", "0", "1", "0", "0", "1"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadsDiscreteInputs()
    {
        await using var harness = await ServerHarness.StartAsync();

        var values = await ReadAsync(harness, "-t", "1", "-r", "1", "-c", "4");

        values.Select(v => v.Value).ShouldBe(["1", "0", "1", "0"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task ReadsFloatAndInt32_InBothWordOrders()
    {
        await using var harness = await ServerHarness.StartAsync();
        var registers = new ushort[2];
        new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB).Encode(123.456, registers);
        harness.Store.SetHoldingRegisters(20, registers);
        new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.ABCD).Encode(-0.5, registers);
        harness.Store.SetHoldingRegisters(30, registers);
        new ModbusValueFormat(ModbusDataType.Int32, ModbusByteOrder.ABCD).Encode(-123456, registers);
        harness.Store.SetHoldingRegisters(40, registers);

        // mbpoll's default word order for 32-bit values is little-endian (CDAB); -B makes it big-endian (ABCD).
        (await ReadAsync(harness, "-t", "4:float", "-0", "-r", "20")).ShouldBe([(20, "123.456")]);
        (await ReadAsync(harness, "-t", "4:float", "-B", "-0", "-r", "30")).ShouldBe([(30, "-0.5")]);
        (await ReadAsync(harness, "-t", "4:int", "-B", "-0", "-r", "40")).ShouldBe([(40, "-123456")]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WritesSingleRegister()
    {
        await using var harness = await ServerHarness.StartAsync();
        var writes = new List<(ModbusTable, ushort, int)>();
        harness.Store.Written += (_, e) => writes.Add((e.Table, e.Address, e.Count));

        var output = await RunAsync(harness, "-t", "4", "-r", "5", "127.0.0.1", "1234");

        output.ShouldContain("Written 1 references");
        harness.Store.GetHoldingRegister(4).ShouldBe((ushort)1234);
        writes.ShouldBe([(ModbusTable.HoldingRegisters, (ushort)4, 1)]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WritesMultipleRegisters()
    {
        await using var harness = await ServerHarness.StartAsync();

        var output = await RunAsync(harness, "-t", "4", "-r", "11", "127.0.0.1", "7", "8", "65535");

        output.ShouldContain("Written 3 references");
        (harness.Store.GetHoldingRegister(10), harness.Store.GetHoldingRegister(11), harness.Store.GetHoldingRegister(12))
            .ShouldBe(((ushort)7, (ushort)8, (ushort)65535));
        harness.Store.GetHoldingRegister(13).ShouldBe((ushort)1013);
    }

    [Fact(Timeout = 60_000)]
    public async Task WritesCoils()
    {
        await using var harness = await ServerHarness.StartAsync();

        (await RunAsync(harness, "-t", "0", "-r", "2", "127.0.0.1", "0")).ShouldContain("Written 1 references");
        (await RunAsync(harness, "-t", "0", "-r", "101", "127.0.0.1", "1", "1", "0", "1")).ShouldContain("Written 4 references");

        harness.Store.GetCoil(1).ShouldBeFalse();
        Enumerable.Range(100, 4).Select(i => harness.Store.GetCoil((ushort)i)).ShouldBe([true, true, false, true]);
    }

    [Fact(Timeout = 60_000)]
    public async Task WritesFloat()
    {
        await using var harness = await ServerHarness.StartAsync();

        await RunAsync(harness, "-t", "4:float", "-B", "-0", "-r", "50", "127.0.0.1", "21.5");

        var registers = new ushort[2];
        harness.Store.GetHoldingRegisters(50, registers);
        new ModbusValueFormat(ModbusDataType.Float32).Decode(registers).ShouldBe(21.5);
    }

    [Fact(Timeout = 60_000)]
    public async Task ExceptionsReachMbpoll()
    {
        await using var harness = await ServerHarness.StartAsync();

        var outOfRange = await RunRawAsync(harness, "-t", "4", "-r", "300", "-c", "2", "-1", "127.0.0.1");
        var unknownUnit = await RunRawAsync(harness, "-a", "9", "-t", "4", "-r", "1", "-1", "127.0.0.1");

        outOfRange.Output.ShouldContain("Illegal data address", Case.Insensitive);
        unknownUnit.Output.ShouldContain("failed to respond", Case.Insensitive);
        (await ReadAsync(harness, "-t", "4", "-r", "1")).ShouldBe([(1, "1000")], "the server still serves after refusing");
    }

    private static async Task<(int Reference, string Value)[]> ReadAsync(ServerHarness harness, params string[] options)
    {
        var output = await RunAsync(harness, [.. options, "-1", "127.0.0.1"]);
        var values = ValueLine().Matches(output)
            .Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value))
            .ToArray();
        values.ShouldNotBeEmpty($"mbpoll printed no values: {output}");
        return values;
    }

    private static async Task<string> RunAsync(ServerHarness harness, params string[] arguments)
    {
        var (exitCode, output) = await RunRawAsync(harness, arguments);
        exitCode.ShouldBe(0, $"mbpoll {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    private static Task<(int ExitCode, string Output)> RunRawAsync(ServerHarness harness, params string[] arguments)
    {
        ExternalTools.RequireMbpoll();
        string[] connection = ["-m", "tcp", "-p", harness.Port.ToString(CultureInfo.InvariantCulture), "-o", "5"];
        if (!arguments.Contains("-a"))
        {
            connection = [.. connection, "-a", Unit.ToString(CultureInfo.InvariantCulture)];
        }

        return ExternalTools.RunAsync(ExternalTools.Mbpoll, [.. connection, .. arguments], Bound);
    }

    /// <summary>A value line: "[12]: \t1011", for registers above 32767 "[3]: \t64302 (-1234)".</summary>
    [GeneratedRegex(@"^\[(\d+)\]:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
