using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;

namespace Lifeline.Simulation.Tests.Scenarios;

public sealed class ScenarioEffectTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact]
    public void O2_Depletion_Drops_Below_18_Within_Its_Ramp_At_The_Target_Only()
    {
        var sut = Generator($"o2-depletion@{TestRegistry.GasZone(3)}+10s~5m");

        Value(sut, TestRegistry.GasController(3), "o2", 9).ShouldBeGreaterThan(20.5);
        Value(sut, TestRegistry.GasController(3), "o2", 20).ShouldBeLessThan(18);
        Value(sut, TestRegistry.GasController(3), "o2", 20).ShouldBeInRange(16, 17);
        Value(sut, TestRegistry.GasController(2), "o2", 20).ShouldBeGreaterThan(20.5);
        Value(sut, TestRegistry.GasController(3), "fan2_run", 20).ShouldBe(1);

        // Recovers after the scenario ends.
        Value(sut, TestRegistry.GasController(3), "o2", 310 + 300).ShouldBeGreaterThan(20.5);
    }

    [Fact]
    public void Gas_Leak_Reaches_The_Target_Then_Its_Neighbour_But_Not_A_Zone_Two_Away()
    {
        var sut = Generator($"gas-leak@{TestRegistry.GasZone(3)}+10s~5m");
        var target = Enumerable.Range(0, 120).Select(s => Value(sut, TestRegistry.GasController(3), "ch4", s)).ToList();
        var neighbour = Enumerable.Range(0, 120).Select(s => Value(sut, TestRegistry.GasController(4), "ch4", s)).ToList();
        var twoAway = Enumerable.Range(0, 120).Select(s => Value(sut, TestRegistry.GasController(5), "ch4", s)).ToList();

        var targetAlarm = target.FindIndex(v => v >= 20);
        var neighbourAlarm = neighbour.FindIndex(v => v >= 20);
        targetAlarm.ShouldBeInRange(10, 30);
        neighbourAlarm.ShouldBeGreaterThan(targetAlarm + 20);
        target.Max().ShouldBeInRange(35, 45);
        neighbour.Max().ShouldBeLessThan(target.Max());
        twoAway.Max().ShouldBeLessThan(2);
        Value(sut, TestRegistry.GasController(1), "ch4", 100).ShouldBeLessThan(2);
    }

    [Fact]
    public void Sump_Flooding_Rises_Past_High_High_With_Both_Pumps_Running()
    {
        var sut = Generator($"sump-flooding@{TestRegistry.GasZone(1)}+10s");

        Value(sut, TestRegistry.GasController(1), "level", 5).ShouldBeLessThan(1.5);
        Value(sut, TestRegistry.GasController(1), "level", 10 + 150).ShouldBeGreaterThan(2.2);
        Value(sut, TestRegistry.GasController(1), "pump1_run", 20).ShouldBe(1);
        Value(sut, TestRegistry.GasController(1), "pump2_run", 20).ShouldBe(1);
        Value(sut, TestRegistry.GasController(1), "pump2_run", 5).ShouldBe(0);
    }

    [Fact]
    public void Overheating_Cable_Passes_40_Degrees_In_The_Power_Cabin()
    {
        var sut = Generator($"overheating-cable@{TestRegistry.PowerController(1)}+10s");

        Value(sut, TestRegistry.PowerController(1), "temp", 5).ShouldBeLessThan(30);
        Value(sut, TestRegistry.PowerController(1), "temp", 10 + 90).ShouldBeGreaterThan(40);
        Value(sut, TestRegistry.PowerController(1), "temp", 10 + 90).ShouldBeLessThanOrEqualTo(80);
        Value(sut, TestRegistry.PowerController(1), "fan1_run", 10 + 90).ShouldBe(1);
    }

    [Fact]
    public void Stuck_Sensor_Holds_Its_Value_Then_Moves_Again()
    {
        var sut = Generator($"stuck-sensor@{TestRegistry.GasController(2)}.temp+10s~60s");

        var stuck = Enumerable.Range(10, 60).Select(s => Value(sut, TestRegistry.GasController(2), "temp", s)).Distinct().ToList();
        var before = Enumerable.Range(0, 10).Select(s => Value(sut, TestRegistry.GasController(2), "temp", s)).Distinct().Count();
        var after = Enumerable.Range(70, 30).Select(s => Value(sut, TestRegistry.GasController(2), "temp", s)).Distinct().Count();

        stuck.Count.ShouldBe(1);
        before.ShouldBeGreaterThan(1);
        after.ShouldBeGreaterThan(1);
        Value(sut, TestRegistry.GasController(2), "rh", 11).ShouldNotBe(Value(sut, TestRegistry.GasController(2), "rh", 12));
    }

    [Fact]
    public void Device_Offline_Produces_No_Readings_While_Active()
    {
        var sut = Generator($"device-offline@{TestRegistry.GasController(4)}+10s~30s");
        var device = Device(TestRegistry.GasController(4));

        sut.Sample(device, Start.AddSeconds(9)).ShouldNotBeNull();
        sut.IsOnline(device, Start.AddSeconds(9)).ShouldBeTrue();
        for (var s = 10; s < 40; s++)
        {
            sut.Sample(device, Start.AddSeconds(s)).ShouldBeNull();
            sut.IsOnline(device, Start.AddSeconds(s)).ShouldBeFalse();
        }

        sut.Sample(device, Start.AddSeconds(40)).ShouldNotBeNull();
        sut.Sample(Device(TestRegistry.GasController(3)), Start.AddSeconds(20)).ShouldNotBeNull();
    }

    [Fact]
    public void Scenarios_Are_Deterministic_Too()
    {
        var a = Generator($"gas-leak@{TestRegistry.GasZone(2)}+5s", $"stuck-sensor@{TestRegistry.GasController(1)}.o2+3s");
        var b = Generator($"gas-leak@{TestRegistry.GasZone(2)}+5s", $"stuck-sensor@{TestRegistry.GasController(1)}.o2+3s");

        foreach (var s in Enumerable.Range(0, 90))
        {
            foreach (var device in _registry.Devices)
            {
                a.Sample(device, Start.AddSeconds(s)).ShouldBe(b.Sample(device, Start.AddSeconds(s)));
            }
        }
    }

    private SignalGenerator Generator(params string[] specs) =>
        new(_registry, 42, Start, new ScenarioSchedule(specs.Select(s => ScenarioResolver.Resolve(s, _registry))));

    private double Value(SignalGenerator generator, string deviceId, string channel, double seconds)
    {
        var device = Device(deviceId);
        return generator.Value(device, device.TryGetChannel(channel, out var c) ? c : throw new InvalidOperationException(channel), Start.AddSeconds(seconds));
    }

    private Device Device(string id) => _registry.TryGetDevice(id, out var d) ? d : throw new InvalidOperationException(id);
}
