using Lifeline.Assets;
using Lifeline.Testing;

namespace Lifeline.Control.Tests;

public sealed class InterlockLoaderTests
{
    private const string Valid = """
        interlocks:
          - id: gas-vent
            when: {rule: ch4.high.l1, cabin_types: [gas]}
            scope: zone_and_neighbours
            then:
              - {channel: fan1_cmd, value: true}
            on_clear: none
        """;

    [Fact]
    public void The_seed_loads_with_its_four_interlocks()
    {
        var interlocks = InterlockLoader.Load(Path.Combine(RepositoryPaths.Seeds(), InterlockLoader.FileName), Baoshan.Catalog);

        interlocks.Select(i => i.Id).ShouldBe(["gas-cabin-ch4-accident-ventilation", "sewage-cabin-gas-ventilation", "cabin-overtemperature-exhaust", "sump-highhigh-second-pump"]);
        var gas = interlocks[0];
        gas.Rules.ShouldBe(["ch4.high.l1", "ch4.high.l2"]);
        gas.Scope.ShouldBe(InterlockScope.ZoneAndNeighbours);
        gas.Then.ShouldBe([new InterlockAction("fan1_cmd", 1, true), new InterlockAction("fan2_cmd", 1, true)]);
        interlocks[3].Scope.ShouldBe(InterlockScope.Device);
        interlocks[3].OnClear.ShouldBe(InterlockClear.Revert);
    }

    [Fact]
    public void A_valid_document_parses()
    {
        var rule = InterlockLoader.Parse(Valid, Baoshan.Catalog).ShouldHaveSingleItem();
        rule.CabinTypes.ShouldBe([Lifeline.Domain.Assets.CabinType.Gas]);
    }

    public static TheoryData<string, string, string> OneThingBroken { get; } = new()
    {
        { "rule: ch4.high.l1,", "rule: ch4.high.l9,", "interlocks.yaml: interlocks[0].when.rule: unknown rule 'ch4.high.l9' (not in rules.yaml) (line 3)" },
        { "cabin_types: [gas]", "cabin_types: [gass]", "interlocks.yaml: interlocks[0].when.cabin_types: unknown cabin type 'gass'; allowed: integrated, power, gas, sewage, heat (line 3)" },
        { "scope: zone_and_neighbours", "scope: cabin", "interlocks.yaml: interlocks[0].scope: unknown scope 'cabin'; allowed: zone, zone_and_neighbours, device (line 4)" },
        { "on_clear: none", "on_clear: later", "interlocks.yaml: interlocks[0].on_clear: unknown on_clear 'later'; allowed: none, revert (line 7)" },
        { "channel: fan1_cmd", "channel: fan9_cmd", "interlocks.yaml: interlocks[0].then[0].channel: 'fan9_cmd' is not a writable command output of any device model in modbus.yaml (line 6)" },
        { "channel: fan1_cmd", "channel: fan1_run", "interlocks.yaml: interlocks[0].then[0].channel: 'fan1_run' is not a writable command output of any device model in modbus.yaml (line 6)" },
        { "value: true", "value: 2.5", "interlocks.yaml: interlocks[0].then[0].value: fan1_cmd is a run/stop output: value must be true or false, got '2.5' (line 6)" },
        { "value: true", "value: maybe", "interlocks.yaml: interlocks[0].then[0].value: expected true, false or a number, got 'maybe' (line 6)" },
        { "{channel: fan1_cmd, value: true}", "{channel: fan1_cmd, valu: true}", "interlocks.yaml: interlocks[0].then[0].valu: unknown key 'valu'; allowed: channel, value (line 6)" },
        { "    scope: zone_and_neighbours\n", string.Empty, "interlocks.yaml: interlocks[0]: missing required key 'scope' (line 2)" },
        { "    then:\n      - {channel: fan1_cmd, value: true}\n", "    then: []\n", "interlocks.yaml: interlocks[0].then: must list at least one command {channel, value} (line 5)" },
        { "    on_clear: none", "    on_clear: none\n  - id: gas-vent\n    when: {rule: temp.high}\n    scope: zone\n    then: [{channel: fan2_cmd, value: true}]", "interlocks.yaml: interlocks[1].id: duplicate id 'gas-vent' (first at line 2) (line 8)" },
        { "interlocks:", "interlock:", "interlocks.yaml: interlock: unknown key 'interlock'; allowed: interlocks (line 1)" },
    };

    [Theory]
    [MemberData(nameof(OneThingBroken))]
    public void Each_error_kind_has_its_exact_message(string from, string to, string expected)
    {
        var text = Valid.Replace("\r\n", "\n", StringComparison.Ordinal);
        text.ShouldContain(from);
        var broken = text.Replace(from, to, StringComparison.Ordinal);

        var ex = Should.Throw<AssetRegistryException>(() => InterlockLoader.Parse(broken, Baoshan.Catalog));

        ex.Errors.ShouldContain(expected, $"all errors: {string.Join(" | ", ex.Errors)}");
    }

    [Fact]
    public void Revert_of_a_numeric_command_is_refused()
    {
        var catalog = Baoshan.Catalog;
        var text = Valid.Replace("value: true", "value: 3", StringComparison.Ordinal).Replace("on_clear: none", "on_clear: revert", StringComparison.Ordinal);

        var ex = Should.Throw<AssetRegistryException>(() => InterlockLoader.Parse(text, catalog));

        ex.Errors.ShouldContain(e => e.StartsWith("interlocks.yaml: interlocks[0].then[0].value:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_yaml_syntax_error_names_line_and_column()
    {
        var ex = Should.Throw<AssetRegistryException>(() => InterlockLoader.Parse("interlocks:\n  - id: [unclosed\n", Baoshan.Catalog));

        ex.Errors.ShouldHaveSingleItem().ShouldStartWith("interlocks.yaml: line ");
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        var ex = Should.Throw<AssetRegistryException>(() => InterlockLoader.Load("/nonexistent/interlocks.yaml", Baoshan.Catalog));

        ex.Errors.ShouldBe(["interlocks.yaml: file not found (/nonexistent/interlocks.yaml)"]);
    }
}
