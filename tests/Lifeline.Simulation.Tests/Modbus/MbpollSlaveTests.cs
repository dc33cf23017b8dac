using System.Globalization;
using System.Text.RegularExpressions;
using Lifeline.Modbus.Tests;

namespace Lifeline.Simulation.Tests.Modbus;

/// <summary>
/// mbpoll (Debian package mbpoll, a libmodbus master) against the simulator's slaves. References are 1-based: reference
/// 1 is PDU address 0. mbpoll reads 32-bit values with the low word first (CDAB) unless given -B (ABCD).
/// </summary>
public sealed partial class MbpollSlaveTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Reads_A_Plant_Plc_As_Simulated()
    {
        const string plc = "wwtp1-influent-plc";
        await using var harness = await SlaveFarmHarness.StartAsync();
        harness.UpdateAt(TimeSpan.FromSeconds(13));

        // flow and cod: float32, low word first, which is mbpoll's default.
        var flow = Float((await ReadAsync(harness, plc, "-t", "3:float", "-r", "1")).Single());
        var cod = Float((await ReadAsync(harness, plc, "-t", "3:float", "-r", "11")).Single());
        // level (mm), pH (×0.01), temp (×0.1) as raw registers; the pump run feedback as discrete inputs.
        var raw = await ReadAsync(harness, plc, "-t", "3", "-r", "3", "-c", "3");
        var pumps = await ReadAsync(harness, plc, "-t", "1", "-r", "1", "-c", "2");

        flow.ShouldBe(harness.Expected(plc, "flow"), Printed(harness.Expected(plc, "flow")));
        cod.ShouldBe(harness.Expected(plc, "cod"), Printed(harness.Expected(plc, "cod")));
        raw.Select(v => v.Reference).ShouldBe([3, 4, 5]);
        (Integer(raw[0]) * 0.001).ShouldBe(harness.Expected(plc, "level"), 0.0005 + 1e-9);
        (Integer(raw[1]) * 0.01).ShouldBe(harness.Expected(plc, "ph"), 0.005 + 1e-9);
        (Integer(raw[2]) * 0.1).ShouldBe(harness.Expected(plc, "temp"), 0.05 + 1e-9);
        pumps.Select(v => v.Value).ShouldBe([Bit(harness.Expected(plc, "pump1_run")), Bit(harness.Expected(plc, "pump2_run"))]);
    }

    [Fact(Timeout = 120_000)]
    public async Task Reads_A_Gas_Rtu_And_An_Analyser_As_Simulated()
    {
        const string rtu = "gas-gate-rtu";
        const string analyser = "wwtp2-effluent-ana";
        await using var harness = await SlaveFarmHarness.StartAsync();
        harness.UpdateAt(TimeSpan.FromMinutes(3));

        // The RTU: pressures as big-endian floats (-B), %LEL and valve position ×0.1, flow uint32 low word first ×0.1.
        var pressures = await ReadAsync(harness, rtu, "-t", "3:float", "-B", "-r", "1", "-c", "2");
        var lelAndValve = await ReadAsync(harness, rtu, "-t", "3", "-r", "5", "-c", "2");
        var flow = await ReadAsync(harness, rtu, "-t", "3:int", "-r", "9");
        var door = await ReadAsync(harness, rtu, "-t", "1", "-r", "1");
        // The analyser's results: big-endian floats in holding registers.
        var results = await ReadAsync(harness, analyser, "-t", "4:float", "-B", "-r", "1", "-c", "3");

        Float(pressures[0]).ShouldBe(harness.Expected(rtu, "p_in"), Printed(harness.Expected(rtu, "p_in")));
        Float(pressures[1]).ShouldBe(harness.Expected(rtu, "p_out"), Printed(harness.Expected(rtu, "p_out")));
        (Integer(lelAndValve[0]) * 0.1).ShouldBe(harness.Expected(rtu, "lel"), 0.05 + 1e-9);
        (Integer(lelAndValve[1]) * 0.1).ShouldBe(harness.Expected(rtu, "valve_pos"), 0.05 + 1e-9);
        (Integer(flow[0]) * 0.1).ShouldBe(harness.Expected(rtu, "flow"), 0.05 + 1e-9);
        door.Single().Value.ShouldBe(Bit(harness.Expected(rtu, "door")));
        string[] channels = ["flow", "ph", "temp"];
        results.Select(r => r.Reference).ShouldBe([1, 3, 5]);
        for (var i = 0; i < channels.Length; i++)
        {
            Float(results[i]).ShouldBe(harness.Expected(analyser, channels[i]), Printed(harness.Expected(analyser, channels[i])), channels[i]);
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Writes_A_Command_Coil_And_Reads_The_Feedback_Follow()
    {
        await using var harness = await SlaveFarmHarness.StartAsync(withZoneController: true);
        var zc = Baoshan.ZoneController.Id;
        var simulated = harness.Expected(zc, "fan1_run") != 0;
        var commanded = simulated ? "0" : "1";

        // fan1_cmd is coil 0 (reference 1), fan1_run discrete input 0.
        (await RunAsync(harness, zc, "-t", "0", "-r", "1", "127.0.0.1", commanded)).ShouldContain("Written 1 references");
        var before = await ReadAsync(harness, zc, "-t", "1", "-r", "1");
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));
        var after = await ReadAsync(harness, zc, "-t", "1", "-r", "1");
        var coil = await ReadAsync(harness, zc, "-t", "0", "-r", "1");

        before.Single().Value.ShouldBe(simulated ? "1" : "0", "the feedback changes at the next update");
        after.Single().Value.ShouldBe(commanded);
        coil.Single().Value.ShouldBe(commanded);

        (await RunAsync(harness, zc, "-t", "0", "-r", "1", "127.0.0.1", simulated ? "1" : "0")).ShouldContain("Written 1 references");
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));
        (await ReadAsync(harness, zc, "-t", "1", "-r", "1")).Single().Value.ShouldBe(simulated ? "1" : "0");

        // A write to a read-only table position is refused; mbpoll reports the exception.
        var refused = await RunRawAsync(harness, zc, "-t", "0", "-r", "9", "127.0.0.1", "1");
        refused.Output.ShouldContain("Illegal data address", Case.Insensitive);
    }

    private static string Bit(double value) => value != 0 ? "1" : "0";

    /// <summary>mbpoll prints floats with six significant digits.</summary>
    private static double Printed(double value) => (Math.Abs(value) * 5e-6) + 1e-9;

    private static double Float((int Reference, string Value) value) => double.Parse(value.Value, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static long Integer((int Reference, string Value) value) => long.Parse(value.Value, NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static async Task<(int Reference, string Value)[]> ReadAsync(SlaveFarmHarness harness, string deviceId, params string[] options)
    {
        var output = await RunAsync(harness, deviceId, [.. options, "-1", "127.0.0.1"]);
        var values = ValueLine().Matches(output)
            .Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value))
            .ToArray();
        values.ShouldNotBeEmpty($"mbpoll printed no values: {output}");
        return values;
    }

    private static async Task<string> RunAsync(SlaveFarmHarness harness, string deviceId, params string[] arguments)
    {
        var (exitCode, output) = await RunRawAsync(harness, deviceId, arguments);
        exitCode.ShouldBe(0, $"mbpoll {string.Join(' ', arguments)} failed: {output}");
        return output;
    }

    private static Task<(int ExitCode, string Output)> RunRawAsync(SlaveFarmHarness harness, string deviceId, params string[] arguments)
    {
        ExternalTools.RequireMbpoll();
        var config = harness.Config(deviceId);
        string[] connection =
        [
            "-m", "tcp", "-p", harness.Port(deviceId).ToString(CultureInfo.InvariantCulture),
            "-a", config.UnitId.ToString(CultureInfo.InvariantCulture), "-o", "5",
        ];
        return ExternalTools.RunAsync(ExternalTools.Mbpoll, [.. connection, .. arguments], Bound);
    }

    /// <summary>A value line: "[12]: \t1011", for registers above 32767 "[3]: \t64302 (-1234)".</summary>
    [GeneratedRegex(@"^\[(\d+)\]:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
