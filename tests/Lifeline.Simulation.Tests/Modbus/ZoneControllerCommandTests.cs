namespace Lifeline.Simulation.Tests.Modbus;

/// <summary>
/// The pilot tunnel's zone controllers (Qingquan Rd trunk, modbus.yaml) served by the simulator: a fan command written
/// over Modbus drives the same equipment state as an MQTT command, so its run feedback follows and the fan blows a gas
/// leak out of its zone.
/// </summary>
public sealed class ZoneControllerCommandTests
{
    private const string Controller = "qingquan-rd-trunk-gas-z005-ctl";
    private const string Neighbour = "qingquan-rd-trunk-gas-z004-ctl";
    private static readonly string[] Leak = ["gas-leak@qingquan-rd-trunk-gas-z005+10s"];

    [Fact(Timeout = 60_000)]
    public async Task Pilot_Controllers_Share_Their_Cabins_Gateway_Port_One_Unit_Per_Zone()
    {
        await using var harness = await SlaveFarmHarness.StartAsync();
        var config = harness.Config(Controller);
        var neighbour = harness.Config(Neighbour);

        (config.Port, config.UnitId, neighbour.Port, neighbour.UnitId).ShouldBe((15040, (byte)5, 15040, (byte)4));
        harness.Port(Controller).ShouldBe(harness.Port(Neighbour), "one gateway (server) per cabin");
        harness.Port(Controller).ShouldNotBe(harness.Port("qingquan-rd-trunk-power-z005-ctl"));

        // Each unit answers with its own device's values.
        harness.UpdateAt(TimeSpan.FromMinutes(3));
        await using var client = await harness.ConnectAsync(Controller);
        foreach (var device in new[] { config, neighbour })
        {
            var o2 = Points.Of(device, "o2");
            var read = await Points.ReadAsync(client, device, o2);
            Math.Abs(read - harness.Expected(device.DeviceId, "o2")).ShouldBeLessThanOrEqualTo(Points.Resolution(o2, read), device.DeviceId);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Fan_Written_Over_Modbus_Drives_The_Equipment_State_Its_Feedback_And_Clears_The_Gas_Like_An_Mqtt_Command()
    {
        await using var harness = await SlaveFarmHarness.StartAsync(scenarios: Leak);
        var config = harness.Config(Controller);
        var fan1Cmd = Points.Of(config, "fan1_cmd");
        var fan1Run = Points.Of(config, "fan1_run");
        var ch4 = Points.Of(config, "ch4");
        var device = config.Device;
        var equipment = harness.Simulation.Generator.Equipment;
        await using var client = await harness.ConnectAsync(Controller);

        // An operator stops fan 1 before the leak (the simulated local logic would otherwise start it on gas).
        await client.WriteSingleCoilAsync(config.UnitId, fan1Cmd.Address, false);
        var stoppedAt = harness.Time.GetUtcNow() + TimeSpan.FromTicks(1);
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));
        (await Points.ReadAsync(client, config, fan1Run)).ShouldBe(0);
        equipment.TryGetCommanded(Controller, "fan1_run", harness.Time.GetUtcNow(), out var commanded).ShouldBeTrue("the write went to the equipment state");
        commanded.ShouldBe(0);

        // The leak (from +10 s) builds up with no commanded fan: well above the 20 %LEL ventilation limit at +70 s.
        harness.UpdateAt(TimeSpan.FromSeconds(69.9));
        var before = await Points.ReadAsync(client, config, ch4);
        before.ShouldBeGreaterThan(20);
        (await Points.ReadAsync(client, config, fan1Run)).ShouldBe(0, "the stop command holds");

        // Act: the platform starts fan 1 over Modbus.
        await client.WriteSingleCoilAsync(config.UnitId, fan1Cmd.Address, true);
        var startedAt = harness.Time.GetUtcNow() + TimeSpan.FromTicks(1);
        harness.UpdateAt(TimeSpan.FromMilliseconds(100));

        // Assert: the run feedback input and the coil follow, and the equipment state has it.
        (await Points.ReadAsync(client, config, fan1Run)).ShouldBe(1);
        (await Points.ReadAsync(client, config, fan1Cmd)).ShouldBe(1);
        equipment.TryGetCommanded(Controller, "fan1_run", harness.Time.GetUtcNow(), out commanded).ShouldBeTrue();
        commanded.ShouldBe(1);

        // The same commands given the way the MQTT path gives them, to a twin simulation, give the same gas readings.
        var twin = Baoshan.Simulation(Leak).Generator;
        twin.Equipment.Command(Controller, "fan1_run", 0, stoppedAt);
        twin.Equipment.Command(Controller, "fan1_run", 1, startedAt);
        var unventilated = Baoshan.Simulation(Leak).Generator;
        unventilated.Equipment.Command(Controller, "fan1_run", 0, stoppedAt);
        device.TryGetChannel("ch4", out var ch4Channel).ShouldBeTrue();

        // Excess ≤ 40 %LEL over a background < 1 %LEL decays by exp(−t/60 s): below 10 %LEL after 60·ln(40/9) ≈ 90 s.
        var previous = before;
        var falling = 0;
        for (var elapsed = TimeSpan.FromSeconds(10); elapsed <= TimeSpan.FromSeconds(120); elapsed += TimeSpan.FromSeconds(10))
        {
            harness.UpdateAt(TimeSpan.FromSeconds(10));
            var now = harness.Time.GetUtcNow();
            var read = await Points.ReadAsync(client, config, ch4);
            var expected = twin.Value(device, ch4Channel!, now);
            Math.Abs(read - expected).ShouldBeLessThanOrEqualTo(Points.Resolution(ch4, expected), Points.Describe(Controller, ch4, read, expected) + $" {elapsed} after the start");
            harness.Simulation.Generator.Value(device, ch4Channel!, now).ShouldBe(expected);
            unventilated.Value(device, ch4Channel!, now).ShouldBeGreaterThan(20, "without the fan the leak stays up");
            falling += read < previous ? 1 : 0;
            previous = read;
            if (elapsed >= TimeSpan.FromSeconds(91))
            {
                read.ShouldBeLessThan(10, $"{elapsed} after fan 1 started");
            }
        }

        falling.ShouldBeGreaterThanOrEqualTo(10);
        (await Points.ReadAsync(client, config, fan1Run)).ShouldBe(1, "the fan runs until commanded otherwise");
        harness.Logger.Count(703, $"{Controller}: a client wrote fan1_cmd").ShouldBe(2);
    }
}
