namespace Lifeline.Assets.Tests;

/// <summary>Each test appends one broken override to a copy of the real rules.yaml and asserts the exact error message.</summary>
public sealed class RuleOverrideErrorTests : IDisposable
{
    /// <summary>The seeds have four overrides: an appended one is overrides[4].</summary>
    private const string Next = "overrides[4]";

    private readonly SeedDirectory _seeds = SeedDirectory.CopyOfBaoshan();

    private string Rules => _seeds.PathOf("rules.yaml");

    public void Dispose() => _seeds.Dispose();

    private int Append(string item) => _seeds.AppendLine("rules.yaml", "  - " + item);

    [Fact]
    public void Load_UnknownRuleId_ReportsItWithTheClosestId()
    {
        var line = Append("{rule: temp.hihg, tunnel: baoxiu-rd-trunk, limit: 39}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.rule: unknown rule 'temp.hihg' (did you mean 'temp.high'?): an override can only change a rule defined under 'rules' (line {line})"]);
    }

    [Fact]
    public void Load_UnknownZoneId_ReportsItWithTheClosestId()
    {
        var line = Append("{rule: rh.high, zone: baoxiu-rd-trunk-sewag-z007, limit: 95}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.zone: unknown zone 'baoxiu-rd-trunk-sewag-z007' (did you mean 'baoxiu-rd-trunk-sewage-z007'?): no zone of the asset registry has this id (line {line})"]);
    }

    [Fact]
    public void Load_UnknownSiteIdWithNoCloseMatch_ReportsItWithAnExample()
    {
        var line = Append("{rule: cod.high, site: plant-nine, limit: 40}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.site: unknown site 'plant-nine': no site of the asset registry has this id; e.g. 'yongchang-rd' (line {line})"]);
    }

    [Fact]
    public void Load_UnknownDeviceId_ReportsIt()
    {
        var line = Append("{rule: cod.high, device: wwtp2-effluent-anna, limit: 40}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.device: unknown device 'wwtp2-effluent-anna' (did you mean 'wwtp2-effluent-ana'?): no device of the asset registry has this id (line {line})"]);
    }

    [Fact]
    public void Load_LimitOutsideTheSensorTypesRange_ReportsThePhysicalRange()
    {
        var line = Append("{rule: temp.high, tunnel: baoxiu-rd-trunk, limit: 120}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.limit: 120 lies outside the physical range of 'temp' (-20–80 °C), so rule 'temp.high' could never fire there (line {line})"]);
    }

    [Fact]
    public void Load_LimitOnABooleanRule_ReportsThatItHasNoLimit()
    {
        var line = Append("{rule: smoke.on, zone: yongchang-rd-trunk-power-z001, limit: 1}");

        _seeds.LoadErrors().ShouldBe([$"{Rules}: {Next}.limit: rule 'smoke.on' is on_true and has no limit; remove it (line {line})"]);
    }

    [Fact]
    public void Load_OnDelayOnALifeSafetyRule_ReportsThatItMustRaiseAtOnce()
    {
        var line = Append("{rule: ch4.high.l1, zone: yongchang-rd-trunk-gas-z003, limit: 22, on_delay: 10s}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}.on_delay: rule 'ch4.high.l1' is life-safety and must raise at once: on_delay must be 0 in an override too, got 10s (line {line})"]);
    }

    [Fact]
    public void Load_NegativeDeadband_ReportsMustBeNonNegative()
    {
        var line = Append("{rule: temp.high, tunnel: baoxiu-rd-trunk, deadband: -1}");

        _seeds.LoadErrors().ShouldBe([$"{Rules}: {Next}.deadband: must be ≥ 0 (got -1) (line {line})"]);
    }

    [Fact]
    public void Load_SameRuleAndPlaceTwice_ReportsTheDuplicate()
    {
        var line = Append("{rule: temp.high, tunnel: yongchang-rd-trunk, limit: 39}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}: duplicate override of rule 'temp.high' for tunnel 'yongchang-rd-trunk' (first at overrides[0]): one place has one value per rule, so merge the two entries (line {line})",
        ]);
    }

    [Fact]
    public void Load_SamePlaceWrittenAsACombination_ReportsTheDuplicate()
    {
        var line = Append("{rule: rh.high, cabin: baoxiu-rd-trunk-sewage, zone: baoxiu-rd-trunk-sewage-z007, priority: medium}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}: duplicate override of rule 'rh.high' for zone 'baoxiu-rd-trunk-sewage-z007' (first at overrides[1]): one place has one value per rule, so merge the two entries (line {line})",
        ]);
    }

    [Fact]
    public void Load_CombinationThatIsNotOnePlace_ReportsWhereTheZoneReallyIs()
    {
        var line = Append("{rule: rh.high, tunnel: yongchang-rd-trunk, zone: baoxiu-rd-trunk-sewage-z003, limit: 95}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}.zone: zone 'baoxiu-rd-trunk-sewage-z003' is not in tunnel 'yongchang-rd-trunk' (it is in tunnel 'baoxiu-rd-trunk'): the ids of one override must name one place (line {line})",
        ]);
    }

    [Fact]
    public void Load_StationDeviceWithATunnel_ReportsThatItIsInNoTunnel()
    {
        var line = Append("{rule: cod.high, tunnel: yongchang-rd-trunk, device: wwtp1-effluent-ana, limit: 40}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}.device: device 'wwtp1-effluent-ana' is not in tunnel 'yongchang-rd-trunk' (it is in no tunnel): the ids of one override must name one place (line {line})",
        ]);
    }

    [Fact]
    public void Load_PlaceWithoutTheRulesSensorType_ReportsThatTheOverrideHasNoEffect()
    {
        var line = Append("{rule: cod.high, tunnel: yongchang-rd-trunk, limit: 40}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}: tunnel 'yongchang-rd-trunk' has no 'cod' sensor, so rule 'cod.high' never applies there and the override would have no effect (line {line})",
        ]);
    }

    [Fact]
    public void Load_PlaceTheRulesFiltersExclude_ReportsTheFilters()
    {
        // Arrange: temp.high for power cabins only; the override names a gas cabin.
        _seeds.Replace("rules.yaml", "    life_safety: false\n    message: \"Cabin temperature ≥ 40 °C", "    life_safety: false\n    cabin_types: [power]\n    message: \"Cabin temperature ≥ 40 °C");
        var line = Append("{rule: temp.high, cabin: baoxiu-rd-trunk-gas, limit: 39}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}: rule 'temp.high' never applies in cabin 'baoxiu-rd-trunk-gas': it is limited to cabin types power, so the override would have no effect (line {line})",
        ]);
    }

    [Fact]
    public void Load_OverrideWithoutScope_ReportsTheScopeKeys()
    {
        var line = Append("{rule: temp.high, limit: 39}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}: the override has no scope: name where it applies with one or more of site, tunnel, cabin, zone, device (a change for every sensor belongs in the rule itself) (line {line})",
        ]);
    }

    [Fact]
    public void Load_OverrideThatChangesNothing_ReportsTheValuesItCanSet()
    {
        var line = Append("{rule: temp.high, zone: yongchang-rd-trunk-gas-z003, note: just a note}");

        _seeds.LoadErrors().ShouldBe(
            [$"{Rules}: {Next}: the override changes nothing: set at least one of limit, priority, deadband, on_delay, off_delay, enabled, message (line {line})"]);
    }

    [Fact]
    public void Load_MisspelledKey_ReportsUnknownKeyWithAllowedKeys()
    {
        var line = Append("{rule: temp.high, tunnel: baoxiu-rd-trunk, limt: 39}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}.limt: unknown key 'limt' (did you mean 'limit'?); allowed keys: rule, site, tunnel, cabin, zone, device, limit, priority, deadband, on_delay, off_delay, enabled, message, note (line {line})",
            $"{Rules}: {Next}: the override changes nothing: set at least one of limit, priority, deadband, on_delay, off_delay, enabled, message (line {line})",
        ]);
    }

    [Fact]
    public void Load_BadValues_ReportsEachOfThem()
    {
        var line = Append("{rule: temp.high, tunnel: baoxiu-rd-trunk, priority: urgent, enabled: maybe, off_delay: 5 min}");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Rules}: {Next}.priority: unknown priority 'urgent'; allowed: critical, high, medium, low (line {line})",
            $"{Rules}: {Next}.off_delay: expected a duration such as 0, 500ms, 15s, 1m or 2h, got '5 min' (line {line})",
            $"{Rules}: {Next}.enabled: expected true or false, got 'maybe' (line {line})",
        ]);
    }

    [Fact]
    public void Load_OverrideOfABrokenRule_ReportsOnlyTheRulesError()
    {
        // Arrange: rules[1] is o2.low.l2; its limit becomes unreadable, and an override names it.
        var ruleLine = _seeds.Replace("rules.yaml", "    limit: 18\n", "    limit: low\n");
        Append("{rule: o2.low.l2, zone: yongchang-rd-trunk-gas-z003, limit: 17}");

        _seeds.LoadErrors().ShouldBe([$"{Rules}: rules[1].limit: expected a number, got 'low' (line {ruleLine})"]);
    }

    [Fact]
    public void Load_BrokenTopology_DoesNotCheckOverrideScopes()
    {
        // Arrange: tunnels.yaml fails, so no zone exists to check the override against: only the real error is reported.
        var tunnelsLine = _seeds.Replace("tunnels.yaml", "length_m: 7800", "length_m: -7800");
        Append("{rule: rh.high, zone: nowhere-z001, limit: 95}");

        _seeds.LoadErrors().ShouldBe([$"{_seeds.PathOf("tunnels.yaml")}: projects[0].tunnels[0].length_m: must be > 0 (got -7800) (line {tunnelsLine})"]);
    }
}
