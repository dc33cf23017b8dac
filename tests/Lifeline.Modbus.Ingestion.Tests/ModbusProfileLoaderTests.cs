using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus.Ingestion.Tests.Support;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>The real seed and a valid document load into the plan they describe.</summary>
public sealed class ModbusProfileLoaderTests
{
    private static readonly string[] ZoneControllerModels = ["zc-integrated", "zc-power", "zc-gas", "zc-sewage"];

    [Fact]
    public void Seed_LoadsClean_PollsEveryPlantAndGasStationDeviceOnItsOwnLoopbackPort()
    {
        var registry = ProfileDocuments.Baoshan;

        var plan = ModbusProfileLoader.Load(ProfileDocuments.SeedFile, registry);

        var expected = registry.Devices
            .Where(d => d.Location.SiteKind != SiteKind.TunnelProject)
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
        expected.Count.ShouldBe(18);
        var plants = plan.Devices.Where(d => d.Device.Location.SiteKind != SiteKind.TunnelProject).ToList();
        plants.Select(d => d.DeviceId).Order(StringComparer.Ordinal).ShouldBe(expected);
        plants.ShouldAllBe(d => d.Host == "127.0.0.1" && d.UnitId == 1);
        plants.Select(d => d.Port).ShouldBe(Enumerable.Range(15020, 18));
    }

    [Fact]
    public void Seed_PilotTunnel_PollsEveryZoneControllerOfQingquanTrunk_BehindOneGatewayPerCabin()
    {
        var registry = ProfileDocuments.Baoshan;

        var plan = ModbusProfileLoader.Load(ProfileDocuments.SeedFile, registry);

        var controllers = plan.Devices.Where(d => d.Device.Location.SiteKind == SiteKind.TunnelProject).ToList();
        var expected = registry.Devices
            .Where(d => d.Id.StartsWith("qingquan-rd-trunk-", StringComparison.Ordinal) && d.Model.StartsWith("zc-", StringComparison.Ordinal))
            .Select(d => d.Id)
            .Order(StringComparer.Ordinal)
            .ToList();
        expected.Count.ShouldBe(33, "2.1 km in 200 m fire zones: 11 zones in each of 3 cabins");
        controllers.Select(d => d.DeviceId).Order(StringComparer.Ordinal).ShouldBe(expected);
        string[] cabins = ["integrated", "power", "gas"];
        foreach (var controller in controllers)
        {
            // qingquan-rd-trunk-{cabin}-z{NNN}-ctl: port 15038 + cabin, unit = zone number.
            var parts = controller.DeviceId.Split('-');
            controller.Host.ShouldBe("127.0.0.1");
            controller.Port.ShouldBe(15038 + Array.IndexOf(cabins, parts[3]), controller.DeviceId);
            controller.UnitId.ShouldBe(byte.Parse(parts[4][1..], System.Globalization.CultureInfo.InvariantCulture), controller.DeviceId);
            controller.Groups.SelectMany(g => g.Points).ShouldNotContain(p => p.Writable, "command outputs are written, never polled");
        }
    }

    [Fact]
    public void Seed_EveryDevicePolled_HasEveryChannelMappedOnce()
    {
        var plan = ModbusProfileLoader.Load(ProfileDocuments.SeedFile, ProfileDocuments.Baoshan);

        foreach (var device in plan.Devices)
        {
            var polled = device.Groups.SelectMany(g => g.Points).Select(p => p.Name).ToList();
            polled.Order(StringComparer.Ordinal).ShouldBe(device.Device.Channels.Select(c => c.Name).Order(StringComparer.Ordinal), device.DeviceId);
        }
    }

    [Fact]
    public void Seed_ZoneControllerProfiles_MapEveryChannelOfEveryController_AndTheFanAndPumpCommands()
    {
        var registry = ProfileDocuments.Baoshan;

        var plan = ModbusProfileLoader.Load(ProfileDocuments.SeedFile, registry);

        foreach (var model in ZoneControllerModels)
        {
            var profile = plan.Profiles[model];
            var mapped = profile.Groups.SelectMany(g => g.Points).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var controllers = registry.Devices.Where(d => d.Model == model).ToList();
            controllers.ShouldNotBeEmpty(model);
            controllers.ShouldAllBe(d => d.Channels.All(c => mapped.Contains(c.Name)), model);
            profile.Writable.Select(p => (p.Name, p.Table, (int)p.Address, p.Feedback)).ShouldBe(
            [
                ("fan1_cmd", ModbusTable.Coils, 0, "fan1_run"),
                ("fan2_cmd", ModbusTable.Coils, 1, "fan2_run"),
                ("pump1_cmd", ModbusTable.Coils, 2, "pump1_run"),
                ("pump2_cmd", ModbusTable.Coils, 3, "pump2_run"),
            ]);
            profile.Groups.SelectMany(g => g.Points).Where(p => p.Name.EndsWith("_run", StringComparison.Ordinal))
                .ShouldAllBe(p => p.Table == ModbusTable.DiscreteInputs);
        }

        plan.Devices.Where(d => d.Device.Model.StartsWith("zc-", StringComparison.Ordinal))
            .ShouldAllBe(d => d.DeviceId.StartsWith("qingquan-rd-trunk-", StringComparison.Ordinal), "only the pilot tunnel's zone controllers are polled");
    }

    [Fact]
    public void Seed_OptionalChannel_PolledOnlyWhereTheDeviceHasIt()
    {
        var plan = ModbusProfileLoader.Load(ProfileDocuments.SeedFile, ProfileDocuments.Baoshan);

        Names(plan, "wwtp1-influent-plc").ShouldContain("pump3_run");
        Names(plan, "wwtp2-influent-plc").ShouldNotContain("pump3_run");
        Names(plan, "wwtp2-aeration-plc").ShouldContain("air_flow");
        Names(plan, "wwtp1-aeration-plc").ShouldNotContain("air_flow");
        plan.Profiles["plc-influent"].Optional.ShouldBe(["pump3_run"]);
    }

    [Fact]
    public void ValidDocument_ReadsFormatsGroupsAndEndpoints()
    {
        using var file = new TempYaml(ProfileDocuments.Valid);

        var plan = ModbusProfileLoader.Load(file.Path, ProfileDocuments.Baoshan);

        var gate = plan.Devices.Single(d => d.DeviceId == "gas-gate-rtu");
        (gate.Host, gate.Port, gate.UnitId).ShouldBe(("127.0.0.1", 15032, (byte)1));
        gate.Groups.Select(g => (g.Name, g.Interval)).ShouldBe([("fast", TimeSpan.FromMilliseconds(500)), ("slow", TimeSpan.FromSeconds(1))]);
        var points = gate.Groups.SelectMany(g => g.Points).ToDictionary(p => p.Name);
        points["p_out"].ShouldBe(new ModbusPoint("p_out", ModbusTable.InputRegisters, 2, new ModbusValueFormat(ModbusDataType.Float32, ModbusByteOrder.CDAB)));
        points["flow"].ShouldBe(new ModbusPoint("flow", ModbusTable.InputRegisters, 8, new ModbusValueFormat(ModbusDataType.UInt32, ModbusByteOrder.DCBA, 0.1)));
        points["filter_dp"].Format.ShouldBe(new ModbusValueFormat(ModbusDataType.UInt16, ModbusByteOrder.BADC, 0.1));
        points["valve_pos"].ShouldBe(new ModbusPoint("valve_pos", ModbusTable.HoldingRegisters, 0, new ModbusValueFormat(ModbusDataType.Int16, ModbusByteOrder.ABCD, 0.1), Writable: true));
        points["door"].ShouldBe(new ModbusPoint("door", ModbusTable.DiscreteInputs, 0, new ModbusValueFormat(ModbusDataType.Bool)));
        points.ShouldNotContainKey("valve_cmd");
        points.ShouldNotContainKey("horn_cmd");
        plan.Profiles["rtu-gate"].Writable.Select(p => (p.Name, p.Feedback)).ShouldBe([("valve_pos", null), ("valve_cmd", "valve_pos"), ("horn_cmd", null)]);

        var second = plan.Devices.Single(d => d.DeviceId == "wwtp2-influent-plc");
        (second.Host, second.Port, second.UnitId).ShouldBe(("localhost", 15020, (byte)2));
        second.Groups.Single().Points.Select(p => p.Name).ShouldNotContain("pump3_run");
        second.FastestInterval.ShouldBe(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void NoDevicesSection_LoadsProfilesOnly()
    {
        var text = ProfileDocuments.Valid[..ProfileDocuments.Valid.IndexOf("devices:", StringComparison.Ordinal)];
        using var file = new TempYaml(text);

        var plan = ModbusProfileLoader.Load(file.Path, ProfileDocuments.Baoshan);

        plan.Devices.ShouldBeEmpty();
        plan.Profiles.Keys.Order(StringComparer.Ordinal).ShouldBe(["plc-influent", "rtu-gate"]);
    }

    private static List<string> Names(ModbusPollPlan plan, string deviceId) =>
        plan.Devices.Single(d => d.DeviceId == deviceId).Groups.SelectMany(g => g.Points).Select(p => p.Name).ToList();
}
