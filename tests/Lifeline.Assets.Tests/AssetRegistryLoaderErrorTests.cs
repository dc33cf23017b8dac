namespace Lifeline.Assets.Tests;

/// <summary>Each test copies the real seeds, breaks one thing and asserts the exact error message.</summary>
public sealed class AssetRegistryLoaderErrorTests : IDisposable
{
    private readonly SeedDirectory _seeds = SeedDirectory.CopyOfBaoshan();

    private string Tunnels => _seeds.PathOf("tunnels.yaml");

    public void Dispose() => _seeds.Dispose();

    [Fact]
    public void Load_UnbrokenCopy_Succeeds()
    {
        AssetRegistryLoader.Load(_seeds.Path).DeviceCount.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void Load_NegativeLength_ReportsMustBePositive()
    {
        var line = _seeds.Replace("tunnels.yaml", "length_m: 7800", "length_m: -7800");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: projects[0].tunnels[0].length_m: must be > 0 (got -7800) (line {line})"]);
    }

    [Fact]
    public void Load_NonNumberLength_ReportsExpectedNumber()
    {
        var line = _seeds.Replace("tunnels.yaml", "length_m: 7800", "length_m: abc");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: projects[0].tunnels[0].length_m: expected a number, got 'abc' (line {line})"]);
    }

    [Fact]
    public void Load_MisspelledKey_ReportsUnknownKeyWithAllowedKeys()
    {
        var line = _seeds.Replace("tunnels.yaml", "length_m: 7800", "lenght_m: 7800");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Tunnels}: projects[0].tunnels[0].lenght_m: unknown key 'lenght_m' (did you mean 'length_m'?); allowed keys: kind, length_m, cabins (line {line})",
            $"{Tunnels}: projects[0].tunnels[0]: missing required key 'length_m' (line {line})",
        ]);
    }

    [Fact]
    public void Load_UnknownCabinType_ListsAllowedCabinTypes()
    {
        var line = _seeds.Replace("tunnels.yaml", "length_m: 7800, cabins: [integrated, power, gas,", "length_m: 7800, cabins: [integrated, power, gass,");

        _seeds.LoadErrors().ShouldBe(
            [$"{Tunnels}: projects[0].tunnels[0].cabins[2]: unknown cabin type 'gass'; allowed: integrated, power, gas, sewage, heat (line {line})"]);
    }

    [Fact]
    public void Load_DuplicateProjectId_ReportsDuplicateSiteId()
    {
        var line = _seeds.Replace("tunnels.yaml", "- id: baoxiu-rd", "- id: yongchang-rd");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: projects[1].id: duplicate site id 'yongchang-rd' (first used at projects[0].id) (line {line})"]);
    }

    [Fact]
    public void Load_SecondTrunkInProject_ReportsDuplicateTunnelId()
    {
        var line = _seeds.Replace("tunnels.yaml", "{kind: branch, length_m: 1860", "{kind: trunk, length_m: 1860");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{Tunnels}: projects[0].tunnels[1].kind: duplicate tunnel id 'yongchang-rd-trunk' (first used at projects[0].tunnels[0]): a project has at most one trunk tunnel (line {line})",
        ]);
    }

    [Fact]
    public void Load_ZoneLength250_ReportsZoneLengthLimit()
    {
        var line = _seeds.Replace("city.yaml", "zone_length_m: 200", "zone_length_m: 250");

        _seeds.LoadErrors().ShouldBe(
            [$"{_seeds.PathOf("city.yaml")}: generation.zone_length_m: must be > 0 and ≤ 200 (GB 50838 fire-zone length), got 250 (line {line})"]);
    }

    [Fact]
    public void Load_TrunkLengthsShortOfPlan_ReportsTotalsMismatch()
    {
        _seeds.Replace("tunnels.yaml", "length_m: 7800", "length_m: 7700");

        _seeds.LoadErrors().ShouldBe(
            [$"{Tunnels}: projects: trunk tunnels add up to 56900 m, but city.yaml plan.trunk_km is 57 km (57000 m): 100 m short"]);
    }

    [Fact]
    public void Load_BranchLengthsAbovePlan_ReportsTotalsMismatch()
    {
        _seeds.Replace("tunnels.yaml", "{kind: branch, length_m: 1860", "{kind: branch, length_m: 1860.5");

        _seeds.LoadErrors().ShouldBe(
            [$"{Tunnels}: projects: branch tunnels add up to 29260.5 m, but city.yaml plan.branch_km is 29.26 km (29260 m): 0.5 m too much"]);
    }

    [Fact]
    public void Load_ProjectCountNotPlan_ReportsCountMismatch()
    {
        _seeds.Replace("city.yaml", "tunnel_projects: 19", "tunnel_projects: 20");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: projects: 19 projects listed, but city.yaml plan.tunnel_projects is 20"]);
    }

    [Fact]
    public void Load_PlantCountNotPlan_ReportsCountMismatch()
    {
        _seeds.Replace("city.yaml", "sewage_plants: 3", "sewage_plants: 4");

        _seeds.LoadErrors().ShouldBe([$"{_seeds.PathOf("plants.yaml")}: plants: 3 plants listed, but city.yaml plan.sewage_plants is 4"]);
    }

    [Fact]
    public void Load_LifeSafetyRuleWithOnDelay_ReportsOnDelayMustBeZero()
    {
        var line = _seeds.Replace("rules.yaml", "    limit: 18\n    priority: critical\n    deadband: 0.2\n    on_delay: 0s", "    limit: 18\n    priority: critical\n    deadband: 0.2\n    on_delay: 15s");

        _seeds.LoadErrors().ShouldBe(
            [$"{_seeds.PathOf("rules.yaml")}: rules[1].on_delay: a life-safety rule must raise at once: on_delay must be 0, got 15s (line {line + 3})"]);
    }

    [Fact]
    public void Load_UnknownSensorTypeInKit_ListsAllowedSensorTypes()
    {
        var allowed = string.Join(", ", AssetRegistryLoader.Load(SeedDirectory.Baoshan).SensorTypes.Keys);
        var line = _seeds.Replace("kits.yaml", "o2: o2, ch4: ch4,", "o2: o2, ch4: ch5,");

        _seeds.LoadErrors().ShouldBe([$"{_seeds.PathOf("kits.yaml")}: kits.gas.channels.ch4: unknown sensor type 'ch5'; allowed: {allowed} (line {line})"]);
        allowed.ShouldStartWith("o2, ch4, h2s, temp, rh, level, intrusion, smoke, run_feedback");
    }

    [Fact]
    public void Load_KitWithoutMandatorySensor_ReportsGb50838Requirement()
    {
        var line = _seeds.Replace("kits.yaml", "o2: o2, ch4: ch4,", "o2: o2,");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{_seeds.PathOf("kits.yaml")}: kits.gas.channels: GB 50838 table 7.5.4 requires ch4 in gas cabins (mandatory.gas); add a channel of sensor type 'ch4' (line {line})",
        ]);
    }

    [Fact]
    public void Load_YamlSyntaxError_ReportsLineAndColumn()
    {
        var line = _seeds.Replace("tunnels.yaml", "length_m: 7800, cabins: [integrated, power, gas, sewage]}", "length_m: 7800, cabins: [integrated, power, gas, sewage]");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: line {line + 1}, column 7: YAML syntax error: While parsing a flow mapping, did not find expected ',' or '}}'"]);
    }

    [Fact]
    public void Load_DuplicateYamlKey_ReportsSyntaxError()
    {
        var line = _seeds.Replace("tunnels.yaml", "    name: Yongchang Road\n", "    name: Yongchang Road\n    name: Yongchang Rd\n");

        _seeds.LoadErrors().ShouldBe([$"{Tunnels}: line {line + 1}, column 5: YAML syntax error: duplicate key 'name' in a mapping"]);
    }

    [Fact]
    public void Load_BrokenSensorType_ReportsItOnceWithoutCascade()
    {
        var line = _seeds.Replace("sensor-types.yaml", "max: 25,", "max: abc,");

        _seeds.LoadErrors().ShouldBe([$"{_seeds.PathOf("sensor-types.yaml")}: sensor_types[0].max: expected a number, got 'abc' (line {line})"]);
    }

    [Fact]
    public void Load_MissingFile_ReportsFileNotFound()
    {
        File.Delete(_seeds.PathOf("gas.yaml"));

        _seeds.LoadErrors().ShouldBe([$"{_seeds.PathOf("gas.yaml")}: file not found"]);
    }

    [Fact]
    public void Load_MissingDirectory_ReportsDirectoryNotFound()
    {
        var missing = Path.Combine(_seeds.Path, "nowhere");

        var ex = Should.Throw<AssetRegistryException>(() => AssetRegistryLoader.Load(missing));

        ex.Errors.ShouldBe([$"{missing}: directory not found"]);
    }

    [Fact]
    public void Load_DeviceIdWithDot_ReportsInvalidId()
    {
        var line = _seeds.Replace("plants.yaml", "- id: wwtp1-effluent-ana", "- id: wwtp1.effluent-ana");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{_seeds.PathOf("plants.yaml")}: plants[0].stations[3].devices[0].id: 'wwtp1.effluent-ana' is not a valid id: use lower-case letters, digits and single dashes, e.g. yongchang-rd (line {line})",
        ]);
    }

    [Fact]
    public void Load_DuplicateDeviceIdAcrossFiles_ReportsFirstUse()
    {
        var line = _seeds.Replace("gas.yaml", "- id: gas-gate-rtu", "- id: wwtp1-effluent-ana");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{_seeds.PathOf("gas.yaml")}: stations[0].devices[0].id: duplicate device id 'wwtp1-effluent-ana' (first used at {_seeds.PathOf("plants.yaml")}: plants[0].stations[3].devices[0].id) (line {line})",
        ]);
    }

    [Fact]
    public void Load_BooleanRuleWithHighDirection_ReportsDirectionMismatch()
    {
        var line = _seeds.Replace("rules.yaml", "    sensor_type: smoke\n    kind: fire\n    direction: on_true", "    sensor_type: smoke\n    kind: fire\n    direction: high");

        _seeds.LoadErrors().ShouldBe(
        [
            $"{_seeds.PathOf("rules.yaml")}: rules[13].direction: 'high' needs an analog sensor type, but 'smoke' is boolean; use on_true or on_false (line {line + 2})",
            $"{_seeds.PathOf("rules.yaml")}: rules[13]: missing required key 'limit' (high and low rules need one) (line {line - 1})",
        ]);
    }

    [Fact]
    public void Load_SeveralProblems_ReportsAllOfThem()
    {
        _seeds.Replace("tunnels.yaml", "length_m: 7800", "length_m: -7800");
        _seeds.Replace("rules.yaml", "    limit: 18\n", "    limit: 18\n    colour: red\n");
        File.Delete(_seeds.PathOf("gas.yaml"));

        var errors = _seeds.LoadErrors();

        errors.Count.ShouldBe(3);
        errors.ShouldContain(e => e.StartsWith($"{Tunnels}: projects[0].tunnels[0].length_m: must be > 0", StringComparison.Ordinal));
        errors.ShouldContain(e => e.StartsWith($"{_seeds.PathOf("rules.yaml")}: rules[1].colour: unknown key 'colour'", StringComparison.Ordinal));
        errors.ShouldContain($"{_seeds.PathOf("gas.yaml")}: file not found");
    }

    [Fact]
    public void Load_RelativeDirectory_PrefixesErrorsWithThePathAsGiven()
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, _seeds.Path);
        File.Delete(_seeds.PathOf("rules.yaml"));

        var ex = Should.Throw<AssetRegistryException>(() => AssetRegistryLoader.Load(relative));

        ex.Errors.ShouldBe([$"{relative}/rules.yaml: file not found"]);
        ex.Message.ShouldContain($"{relative}/rules.yaml: file not found");
    }
}
