using Lifeline.Simulation.Scenarios;

namespace Lifeline.Simulation.Tests.Scenarios;

public sealed class ScenarioSpecTests
{
    [Fact]
    public void Parse_Reads_Name_Target_Offset_And_Duration()
    {
        var spec = ScenarioSpec.Parse("gas-leak@yongchang-rd-trunk-gas-z005+30s~5m");

        spec.Kind.ShouldBe(ScenarioKind.GasLeak);
        spec.Target.ShouldBe("yongchang-rd-trunk-gas-z005");
        spec.Offset.ShouldBe(TimeSpan.FromSeconds(30));
        spec.Duration.ShouldBe(TimeSpan.FromMinutes(5));
        spec.ToString().ShouldBe("gas-leak@yongchang-rd-trunk-gas-z005+30s~5m");
    }

    [Theory]
    [InlineData("o2-depletion@yongchang-rd-trunk-gas-z003+10s", ScenarioKind.O2Depletion, 10_000, null)]
    [InlineData("sump-flooding@z+1h30m", ScenarioKind.SumpFlooding, 5_400_000, null)]
    [InlineData("overheating-cable@z+500ms~2.5s", ScenarioKind.OverheatingCable, 500, 2_500)]
    [InlineData("stuck-sensor@dev.temp+0s~10m", ScenarioKind.StuckSensor, 0, 600_000)]
    [InlineData("device-offline@dev", ScenarioKind.DeviceOffline, 0, null)]
    [InlineData("  device-offline@dev~1m  ", ScenarioKind.DeviceOffline, 0, 60_000)]
    public void Parse_Accepts_Valid_Specs(string text, ScenarioKind kind, int offsetMs, int? durationMs)
    {
        var spec = ScenarioSpec.Parse(text);

        spec.Kind.ShouldBe(kind);
        spec.Offset.ShouldBe(TimeSpan.FromMilliseconds(offsetMs));
        spec.Duration.ShouldBe(durationMs is { } d ? TimeSpan.FromMilliseconds(d) : null);
    }

    [Theory]
    [InlineData("", "scenario '': empty spec; expected name@target+offset[~duration]")]
    [InlineData("gas-leak", "scenario 'gas-leak': missing '@target'; expected name@target+offset[~duration]")]
    [InlineData("gas-leek@z+1s", "scenario 'gas-leek@z+1s': unknown scenario 'gas-leek'; valid names: gas-leak, o2-depletion, sump-flooding, overheating-cable, stuck-sensor, device-offline")]
    [InlineData("gas-leak@+1s", "scenario 'gas-leak@+1s': missing target after '@'")]
    [InlineData("gas-leak@z+10x", "scenario 'gas-leak@z+10x': bad offset '10x'; expected a duration such as 10s, 5m, 1h30m or 500ms")]
    [InlineData("gas-leak@z+", "scenario 'gas-leak@z+': bad offset ''")]
    [InlineData("gas-leak@z+10s~soon", "scenario 'gas-leak@z+10s~soon': bad duration 'soon'")]
    [InlineData("gas-leak@z+10s~0s", "scenario 'gas-leak@z+10s~0s': duration '0s' must be longer than zero")]
    public void TryParse_Explains_Every_Error(string text, string expected)
    {
        ScenarioSpec.TryParse(text, out var spec, out var error).ShouldBeFalse();

        spec.ShouldBeNull();
        error.ShouldStartWith(expected);
        Should.Throw<ScenarioSpecException>(() => ScenarioSpec.Parse(text)).Message.ShouldBe(error);
    }

    [Fact]
    public void Stuck_Sensor_Without_Target_Explains_The_Sensor_Id()
    {
        ScenarioSpec.TryParse("stuck-sensor@", out _, out var error).ShouldBeFalse();

        error.ShouldContain("{device}.{channel}");
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    public void DurationText_Round_Trips(string text, int ms)
    {
        DurationText.TryParse(text, out var value).ShouldBeTrue();
        value.ShouldBe(TimeSpan.FromMilliseconds(ms));
        DurationText.Format(value).ShouldBe(text);
    }
}
