using Lifeline.Simulation.Scenarios;

namespace Lifeline.Simulation.Tests.Scenarios;

public sealed class ScenarioSetFileTests
{
    [Fact]
    public void Parse_Reads_Named_Sets()
    {
        const string yaml = """
            sets:
              demo:
                description: two alarms
                scenarios:
                  - o2-depletion@a-z003+10s
                  - gas-leak@b-z007+20s~5m
              short: [device-offline@x]
            """;

        var sets = ScenarioSetFile.Parse(yaml, "test.yaml");

        sets.Keys.ShouldBe(["demo", "short"], ignoreOrder: true);
        sets["demo"].Description.ShouldBe("two alarms");
        sets["demo"].Specs.ShouldBe(["o2-depletion@a-z003+10s", "gas-leak@b-z007+20s~5m"]);
        sets["short"].Specs.ShouldBe(["device-offline@x"]);
    }

    [Fact]
    public void Parse_Reports_The_Line_Of_A_Bad_Entry()
    {
        const string yaml = """
            sets:
              demo:
                scenarios:
                  - {name: o2}
            """;

        Should.Throw<ScenarioSpecException>(() => ScenarioSetFile.Parse(yaml, "test.yaml")).Message.ShouldStartWith("test.yaml: line 4:");
    }

    [Fact]
    public void Repository_Scenarios_File_Has_A_Demo_Set_Of_Valid_Specs()
    {
        var file = ScenarioSetFile.Find(AppContext.BaseDirectory, Directory.GetCurrentDirectory());
        file.ShouldNotBeNull();

        var sets = ScenarioSetFile.Load(file);

        sets.ShouldContainKey(SimulatorOptions.DefaultScenarioSet);
        var demo = sets[SimulatorOptions.DefaultScenarioSet].Specs.Select(ScenarioSpec.Parse).ToList();
        demo.ShouldContain(s => s.Kind == ScenarioKind.O2Depletion && s.Target.StartsWith("yongchang-rd-trunk-gas-", StringComparison.Ordinal) && s.Offset == TimeSpan.FromSeconds(10));
        demo.ShouldContain(s => s.Kind == ScenarioKind.GasLeak && s.Offset <= TimeSpan.FromSeconds(20));
        foreach (var set in sets.Values)
        {
            foreach (var spec in set.Specs)
            {
                ScenarioSpec.TryParse(spec, out _, out var error).ShouldBeTrue(error);
            }
        }
    }
}
