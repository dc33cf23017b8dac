using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;

namespace Lifeline.Simulation.Tests.Scenarios;

public sealed class ScenarioResolverTests
{
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact]
    public void Gas_Leak_In_A_Zone_Targets_The_Zone_Then_Its_Neighbours()
    {
        var scenario = ScenarioResolver.Resolve($"gas-leak@{TestRegistry.GasZone(3)}+30s~5m", _registry);

        scenario.Targets.ShouldContain(new ScenarioTarget(TestRegistry.GasController(3), "ch4", TimeSpan.Zero, 1));
        scenario.Targets.ShouldContain(new ScenarioTarget(TestRegistry.GasController(2), "ch4", ScenarioResolver.GasSpreadDelay, ScenarioResolver.GasNeighbourIntensity));
        scenario.Targets.ShouldContain(new ScenarioTarget(TestRegistry.GasController(4), "ch4", ScenarioResolver.GasSpreadDelay, ScenarioResolver.GasNeighbourIntensity));
        scenario.Targets.ShouldNotContain(t => t.DeviceId == TestRegistry.GasController(1) || t.DeviceId == TestRegistry.GasController(5));
    }

    [Fact]
    public void A_Device_Target_Is_Accepted()
    {
        var scenario = ScenarioResolver.Resolve($"o2-depletion@{TestRegistry.GasController(1)}+10s", _registry);

        scenario.Targets.ShouldBe([new ScenarioTarget(TestRegistry.GasController(1), "o2", TimeSpan.Zero, 1)]);
    }

    [Theory]
    [InlineData("o2-depletion@nowhere-z001+10s", "scenario 'o2-depletion@nowhere-z001+10s': unknown target 'nowhere-z001': no fire zone or device with that id")]
    [InlineData("stuck-sensor@yongchang-rd-trunk-gas-z001-ctl+10s", "scenario 'stuck-sensor@yongchang-rd-trunk-gas-z001-ctl+10s': unknown target 'yongchang-rd-trunk-gas-z001-ctl': stuck-sensor needs a sensor id {device}.{channel}")]
    [InlineData("stuck-sensor@yongchang-rd-trunk-gas-z001-ctl.co2+10s", "scenario 'stuck-sensor@yongchang-rd-trunk-gas-z001-ctl.co2+10s': unknown target 'yongchang-rd-trunk-gas-z001-ctl.co2': device 'yongchang-rd-trunk-gas-z001-ctl' has no channel 'co2' (channels: temp, rh, level, o2, ch4")]
    [InlineData("gas-leak@yongchang-rd-trunk-power-z001+10s", "scenario 'gas-leak@yongchang-rd-trunk-power-z001+10s': target 'yongchang-rd-trunk-power-z001' has no device with channel ch4 (or lel)")]
    [InlineData("o2-depletion@wwtp1-effluent-ana", "scenario 'o2-depletion@wwtp1-effluent-ana': target 'wwtp1-effluent-ana' has no device with channel o2")]
    [InlineData("o2-depletion+10s", "scenario 'o2-depletion+10s': missing '@target'")]
    public void TryResolve_Explains_Every_Error(string text, string expected)
    {
        ScenarioResolver.TryResolve(text, _registry, out var scenario, out var error).ShouldBeFalse();

        scenario.ShouldBeNull();
        error.ShouldStartWith(expected);
    }

    [Fact]
    public void Stuck_Sensor_Targets_One_Channel()
    {
        var scenario = ScenarioResolver.Resolve($"stuck-sensor@{TestRegistry.GasController(2)}.temp+1m", _registry);

        scenario.Targets.ShouldBe([new ScenarioTarget(TestRegistry.GasController(2), "temp", TimeSpan.Zero, 1)]);
    }

    [Fact]
    public void Scenario_Is_Active_Between_Offset_And_End()
    {
        var scenario = ScenarioResolver.Resolve($"device-offline@{TestRegistry.GasZone(1)}+10s~20s", _registry);

        scenario.IsActiveAt(TimeSpan.FromSeconds(9)).ShouldBeFalse();
        scenario.IsActiveAt(TimeSpan.FromSeconds(10)).ShouldBeTrue();
        scenario.IsActiveAt(TimeSpan.FromSeconds(29)).ShouldBeTrue();
        scenario.IsActiveAt(TimeSpan.FromSeconds(30)).ShouldBeFalse();
    }
}
