using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>
/// The interlock chain over Modbus, in the real server with the in-process simulator serving the pilot tunnel's gas
/// cabin (Qingquan Rd trunk, modbus.yaml) as Modbus TCP slaves: a gas leak raises CH₄ in a zone, the interlock writes
/// the fan coils of that zone and its neighbours over the poll connections and confirms them by reading the run
/// feedback back, the simulated fans clear the gas, and the alarm returns to normal.
/// </summary>
public sealed partial class ModbusInterlockTests : IDisposable
{
    private const string Mbpoll = "/usr/bin/mbpoll";

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("lifeline-mbinterlock-");

    [Fact]
    public async Task GasLeak_InPilotTunnel_StartsFansOverModbus_ConfirmedByReadBack_AlarmClears()
    {
        // Arrange: the repository's modbus.yaml with only the pilot's gas-cabin gateway, moved to a free port; a leak
        // in zone 5 one second in; fans clear gas with a 5 s time constant.
        var port = FreePort.Next();
        var profile = GasCabinOnly(port);
        await using var server = await LifelineServerHost.StartEmbeddedAsync(
            "--Simulator:Enabled=true",
            "--Modbus:Enabled=true",
            $"--Modbus:Path={profile}",
            "--Simulator:Devices:0=qingquan-rd-trunk-gas-",
            "--Simulator:ScenarioSet=none",
            "--Simulator:Scenarios:0=gas-leak@qingquan-rd-trunk-gas-z005+1s~10m",
            "--Simulator:VentilationTimeConstant=00:00:05");
        var (hub, changes) = await server.ConnectHubAsync();
        await using var _ = hub;

        // Act: the leak raises the CH₄ alarm (read over Modbus).
        var raised = await changes.WaitForAsync(c => c.RuleId == "ch4.high.l1" && c.State == "Unacknowledged", "the CH₄ alarm", TimeSpan.FromSeconds(30));
        raised.ZoneId.ShouldBe("qingquan-rd-trunk-gas-z005");

        // Assert: both fans of zones 4, 5 and 6 written over Modbus and confirmed by reading their feedback back.
        string[] zones = ["qingquan-rd-trunk-gas-z004-ctl", "qingquan-rd-trunk-gas-z005-ctl", "qingquan-rd-trunk-gas-z006-ctl"];
        var confirmed = await WaitForCommandsAsync(server, records =>
            zones.All(d => records.Any(r => r.Device == d && r.Channel == "fan1_cmd" && r.Outcome == "Confirmed")
                        && records.Any(r => r.Device == d && r.Channel == "fan2_cmd" && r.Outcome == "Confirmed")));
        confirmed.ShouldAllBe(r => r.Route == "Modbus" && r.Value == 1, string.Join("; ", confirmed));
        confirmed.ShouldNotContain(r => r.Device == "qingquan-rd-trunk-gas-z003-ctl" || r.Device == "qingquan-rd-trunk-gas-z007-ctl");

        // Independently of our client: mbpoll reads zone 5's fan run feedback (discrete inputs 1-2) from the gateway.
        File.Exists(Mbpoll).ShouldBeTrue($"{Mbpoll} is not installed: apt-get install mbpoll");
        var (exitCode, output, error) = await ProcessRunner.RunAsync(
            Mbpoll, "-m", "tcp", "-p", port.ToString(CultureInfo.InvariantCulture), "-a", "5", "-o", "5", "-t", "1", "-r", "1", "-c", "2", "-1", "127.0.0.1");
        exitCode.ShouldBe(0, output + error);
        ValueLine().Matches(output).Select(m => m.Groups[2].Value).ShouldBe(["1", "1"], output);

        // The fans clear the gas: the alarm's condition goes away while the leak goes on.
        var cleared = await changes.WaitForAsync(c => c.Id == raised.Id && c.State == "ReturnedUnacknowledged", "the CH₄ alarm returning to normal", TimeSpan.FromSeconds(30));
        cleared.Value!.Value.ShouldBeLessThan(20);
        (await server.GetJsonAsync<JsonElement>("/api/sensors/qingquan-rd-trunk-gas-z005-ctl.fan1_run")).GetProperty("value").GetDouble().ShouldBe(1);
        var alarms = await server.GetJsonAsync<JsonElement>("/api/alarms");
        alarms.GetProperty("alarms").EnumerateArray().ShouldNotContain(a => a.GetProperty("ruleId").GetString() == "device.command-unconfirmed");
    }

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>The seed's modbus.yaml, its devices list cut down to the pilot's gas-cabin controllers on <paramref name="port"/>.</summary>
    private string GasCabinOnly(int port)
    {
        var seed = File.ReadAllText(Path.Combine(RepositoryPaths.Seeds(), "modbus.yaml"));
        var devices = seed.IndexOf("\ndevices:", StringComparison.Ordinal);
        devices.ShouldBeGreaterThan(0);
        var gas = seed[devices..].Split('\n').Where(l => l.Contains("id: qingquan-rd-trunk-gas-", StringComparison.Ordinal)).ToList();
        gas.Count.ShouldBe(11);
        var file = Path.Combine(_directory.FullName, "modbus.yaml");
        File.WriteAllText(file, seed[..devices] + "\ndevices:\n" + string.Join('\n', gas).Replace("port: 15040", $"port: {port}", StringComparison.Ordinal) + "\n");
        return file;
    }

    private static Task<IReadOnlyList<InterlockTests.Command>> WaitForCommandsAsync(LifelineServerHost server, Func<IReadOnlyList<InterlockTests.Command>, bool> done) =>
        InterlockTests.WaitForCommandsAsync(server, done, TimeSpan.FromSeconds(20));

    /// <summary>An mbpoll value line: "[1]: \t1".</summary>
    [GeneratedRegex(@"^\[(\d+)\]:\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
