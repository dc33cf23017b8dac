using System.Net;
using System.Net.Sockets;
using Lifeline.Modbus;
using Lifeline.Simulation.Modbus;

namespace Lifeline.Simulation.Tests.Modbus;

/// <summary>The simulator's Modbus slaves read and written with our own <see cref="ModbusTcpClient"/> over loopback.</summary>
public sealed class ModbusSlaveFarmTests
{
    private static readonly bool[] ThreeCoils = [true, true, true];

    [Theory(Timeout = 60_000)]
    [InlineData("wwtp1-influent-plc")] // float32 CDAB, uint16 ×0.001, int16 ×0.1, discrete inputs
    [InlineData("wwtp2-aeration-plc")] // optional channels present (air flow, blowers)
    [InlineData("wwtp1-effluent-ana")] // float32 ABCD in holding registers
    [InlineData("gas-gate-rtu")] // uint32 CDAB ×0.1, uint16 ×0.1
    [InlineData("gas-reg-lancheng-rtu")] // low-pressure regulator: kPa outlet, no valve position
    public async Task Every_Point_Reads_As_The_Simulation_At_That_Tick(string deviceId)
    {
        await using var harness = await SlaveFarmHarness.StartAsync();
        var config = harness.Config(deviceId);
        await using var client = await harness.ConnectAsync(deviceId);
        var points = config.Groups.SelectMany(g => g.Points).ToList();
        points.Count.ShouldBe(config.Device.Channels.Count, "every channel of the device is mapped");

        var changed = 0;
        var previous = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var elapsed in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(37), TimeSpan.FromMinutes(20) })
        {
            harness.UpdateAt(elapsed);
            foreach (var point in points)
            {
                var expected = harness.Expected(deviceId, point.Name);
                var read = await Points.ReadAsync(client, config, point);

                Math.Abs(read - expected).ShouldBeLessThanOrEqualTo(Points.Resolution(point, expected), Points.Describe(deviceId, point, read, expected));
                config.Device.Channels.Single(c => c.Name == point.Name).IsInPhysicalRange(read).ShouldBeTrue(Points.Describe(deviceId, point, read, expected));
                if (previous.TryGetValue(point.Name, out var before) && before != read)
                {
                    changed++;
                }

                previous[point.Name] = read;
            }
        }

        changed.ShouldBeGreaterThan(0, "the registers follow the simulation as its clock advances");
    }

    [Fact(Timeout = 60_000)]
    public async Task Written_Command_Coil_Drives_Its_Feedback_From_The_Next_Update()
    {
        await using var harness = await SlaveFarmHarness.StartAsync(withZoneController: true);
        var zc = Baoshan.ZoneController.Id;
        var config = harness.Config(zc);
        await using var client = await harness.ConnectAsync(zc);
        var command = Points.Of(config, "fan2_cmd");
        var feedback = Points.Of(config, "fan2_run");
        var simulated = harness.Expected(zc, "fan2_run");
        (await Points.ReadAsync(client, config, command)).ShouldBe(simulated, "a command coil nobody wrote shows the equipment's state");

        await client.WriteSingleCoilAsync(config.UnitId, command.Address, simulated == 0);

        (await Points.ReadAsync(client, config, feedback)).ShouldBe(simulated, "the equipment reacts at the next update, not before");
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));
        (await Points.ReadAsync(client, config, feedback)).ShouldBe(1 - simulated);
        (await Points.ReadAsync(client, config, command)).ShouldBe(1 - simulated);
        harness.Farm.ValuesOf(zc)["fan2_run"].ShouldBe(1 - simulated);

        harness.UpdateAt(TimeSpan.FromMinutes(30));
        (await Points.ReadAsync(client, config, feedback)).ShouldBe(1 - simulated, "the command holds until a client changes it");

        await client.WriteMultipleCoilsAsync(config.UnitId, command.Address, new[] { simulated != 0 });
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));
        (await Points.ReadAsync(client, config, feedback)).ShouldBe(simulated);
        harness.Logger.Count(703, $"{zc}: a client wrote fan2_cmd").ShouldBe(2);
    }

    [Fact(Timeout = 60_000)]
    public async Task Writes_To_Anything_But_A_Writable_Point_Are_Refused()
    {
        await using var harness = await SlaveFarmHarness.StartAsync(withZoneController: true);
        var zc = harness.Config(Baoshan.ZoneController.Id);
        var effluent = harness.Config("wwtp1-effluent-ana");
        await using var zcClient = await harness.ConnectAsync(zc.DeviceId);
        await using var effluentClient = await harness.ConnectAsync(effluent.DeviceId);

        // Coil 4 is past the four command coils; the analyser's results in holding registers are read-only.
        (await Should.ThrowAsync<ModbusException>(() => zcClient.WriteSingleCoilAsync(zc.UnitId, 4, true))).ExceptionCode.ShouldBe(ModbusExceptionCode.IllegalDataAddress);
        (await Should.ThrowAsync<ModbusException>(() => zcClient.WriteMultipleCoilsAsync(zc.UnitId, 2, ThreeCoils))).ExceptionCode.ShouldBe(ModbusExceptionCode.IllegalDataAddress);
        (await Should.ThrowAsync<ModbusException>(() => effluentClient.WriteSingleRegisterAsync(effluent.UnitId, 0, 1234))).ExceptionCode.ShouldBe(ModbusExceptionCode.IllegalDataAddress);

        var flow = Points.Of(effluent, "flow");
        var read = await Points.ReadAsync(effluentClient, effluent, flow);
        Math.Abs(read - harness.Expected(effluent.DeviceId, "flow")).ShouldBeLessThanOrEqualTo(Points.Resolution(flow, read));
        (await zcClient.ReadCoilsAsync(zc.UnitId, 2, 2)).ShouldBe([harness.Expected(zc.DeviceId, "pump1_run") != 0, harness.Expected(zc.DeviceId, "pump2_run") != 0], "a refused write changes nothing");
    }

    [Fact(Timeout = 60_000)]
    public async Task Gas_Leak_At_A_Station_Raises_Its_Lel_Read_Over_Modbus()
    {
        const string rtu = "gas-reg-qingbao-rtu";
        await using var harness = await SlaveFarmHarness.StartAsync(scenarios: [$"gas-leak@{rtu}+10s~5m"]);
        var config = harness.Config(rtu);
        var lel = Points.Of(config, "lel");
        await using var client = await harness.ConnectAsync(rtu);

        var before = await Points.ReadAsync(client, config, lel);
        harness.UpdateAt(TimeSpan.FromSeconds(40));
        var during = await Points.ReadAsync(client, config, lel);

        before.ShouldBeLessThan(5, "no leak before the scenario starts");
        during.ShouldBeGreaterThanOrEqualTo(20, "30 s into the leak the detector is past the 20 %LEL alarm");
        Math.Abs(during - harness.Expected(rtu, "lel")).ShouldBeLessThanOrEqualTo(Points.Resolution(lel, during));
    }

    [Fact(Timeout = 60_000)]
    public async Task Device_Offline_Scenario_Stops_The_Device_Answering_Until_It_Ends()
    {
        const string rtu = "gas-gate-rtu";
        await using var harness = await SlaveFarmHarness.StartAsync(scenarios: [$"device-offline@{rtu}+5s~10s"]);
        var config = harness.Config(rtu);
        var door = Points.Of(config, "door");
        await using var client = await harness.ConnectAsync(rtu, TimeSpan.FromMilliseconds(300));
        await Points.ReadAsync(client, config, door);

        harness.UpdateAt(TimeSpan.FromSeconds(6));
        harness.Status(rtu).Online.ShouldBeFalse();
        await Should.ThrowAsync<ModbusTimeoutException>(() => Points.ReadAsync(client, config, door));

        harness.UpdateAt(TimeSpan.FromSeconds(10));
        await using var again = await harness.ConnectAsync(rtu);
        harness.Status(rtu).Online.ShouldBeTrue();
        (await Points.ReadAsync(again, config, door)).ShouldBe(harness.Expected(rtu, "door"));
    }

    [Fact(Timeout = 60_000)]
    public async Task Port_In_Use_Leaves_Out_That_Device_Only_And_Says_Why()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var harness = await SlaveFarmHarness.StartAsync(configure: o => o.Ports["gas-gate-rtu"] = taken);

        var status = harness.Status("gas-gate-rtu");
        status.Serving.ShouldBeFalse();
        status.Error.ShouldNotBeNull().ShouldContain($"127.0.0.1:{taken}");
        harness.Logger.Entries.ShouldContain(e => e.EventId.Id == 702 && e.Message.Contains("gas-gate-rtu", StringComparison.Ordinal)
            && e.Message.Contains($"127.0.0.1:{taken}", StringComparison.Ordinal) && e.Message.Contains("in use", StringComparison.OrdinalIgnoreCase));
        harness.Farm.Slaves.Where(s => s.DeviceId != "gas-gate-rtu").ShouldAllBe(s => s.Serving);
        harness.Farm.ServedPlan().Devices.Count.ShouldBe(harness.Plan.Devices.Count - 1);

        var other = harness.Config("gas-reg-longquan-rtu");
        await using var client = await harness.ConnectAsync(other.DeviceId);
        var pIn = Points.Of(other, "p_in");
        var read = await Points.ReadAsync(client, other, pIn);
        Math.Abs(read - harness.Expected(other.DeviceId, "p_in")).ShouldBeLessThanOrEqualTo(Points.Resolution(pIn, read));
    }

    [Fact(Timeout = 60_000)]
    public async Task Port_Offset_Moves_The_Endpoints_And_A_Port_Out_Of_Range_Is_Reported()
    {
        var simulation = Baoshan.Simulation();
        var device = Baoshan.Registry.Devices.Single(d => d.Id == "gas-gate-rtu");
        ModbusSlaveFarm.TryLoadPlan(Baoshan.ProfileFile, Baoshan.Registry, [device], out var plan, out var problems).ShouldBeTrue(string.Join("; ", problems));
        plan.Devices.Select(d => d.DeviceId).ShouldBe(["gas-gate-rtu"], "only the simulated devices of modbus.yaml are served");
        var free = Lifeline.Testing.FreePort.Next();

        await using (var farm = new ModbusSlaveFarm(plan, simulation.Generator, new SimulatorModbusOptions { PortOffset = free - plan.Devices[0].Port }, TimeProvider.System, new Lifeline.Testing.CapturingLogger()))
        {
            await farm.StartAsync();
            farm.Slaves.Single().Listening.ShouldBe(new IPEndPoint(IPAddress.Loopback, free));
            await using var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", free, new ModbusTcpClientOptions { RequestTimeout = TimeSpan.FromSeconds(10) }); // a loaded CI machine may be slow to answer
            (await client.ReadInputRegistersAsync(1, 0, 11)).Length.ShouldBe(11, "rtu-gate's input registers end with filter_dp at 10");
        }

        var logger = new Lifeline.Testing.CapturingLogger();
        await using var beyond = new ModbusSlaveFarm(plan, simulation.Generator, new SimulatorModbusOptions { PortOffset = 60000 }, TimeProvider.System, logger);
        await beyond.StartAsync();
        beyond.Slaves.Single().Serving.ShouldBeFalse();
        beyond.Slaves.Single().Error.ShouldNotBeNull().ShouldContain("out of range");
        logger.Count(702, "gas-gate-rtu").ShouldBe(1);
    }

    [Fact]
    public void A_Missing_Or_Invalid_Profile_File_Is_Reported_Not_Thrown()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"lifeline-no-such-{Guid.NewGuid():N}", "modbus.yaml");
        ModbusSlaveFarm.TryLoadPlan(missing, Baoshan.Registry, Baoshan.Registry.Devices, out var plan, out var problems).ShouldBeFalse();
        plan.Devices.ShouldBeEmpty();
        problems.ShouldHaveSingleItem().ShouldContain("not found");

        var directory = Directory.CreateTempSubdirectory("lifeline-simmb-");
        try
        {
            var broken = Path.Combine(directory.FullName, "modbus.yaml");
            File.WriteAllText(broken, "profiles:\n  rtu-gate:\n    channels:\n      p_in: {table: input_register}\n");
            ModbusSlaveFarm.TryLoadPlan(broken, Baoshan.Registry, Baoshan.Registry.Devices, out _, out problems).ShouldBeFalse();
            problems.ShouldNotBeEmpty();
            problems.ShouldContain(p => p.Contains("address", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
