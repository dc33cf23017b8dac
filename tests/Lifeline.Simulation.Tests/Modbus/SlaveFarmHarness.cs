using System.Globalization;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Lifeline.Simulation.Modbus;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Simulation.Tests.Modbus;

/// <summary>The Baoshan registry and modbus.yaml of the repository, shared by the Modbus slave tests.</summary>
internal static class Baoshan
{
    private static readonly Lazy<AssetRegistry> LazyRegistry = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));

    /// <summary>The simulation's time zero in these tests (a fixed instant: the same values in every run).</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 14, 6, 30, 0, TimeSpan.Zero);

    public static AssetRegistry Registry => LazyRegistry.Value;

    public static string ProfileFile => Path.Combine(RepositoryPaths.Seeds(), ModbusProfileLoader.FileName);

    /// <summary>A gas-cabin zone controller (profile zc-gas, command coils with feedback); not polled in modbus.yaml.</summary>
    public static Device ZoneController => Registry.Devices.Where(d => d.Model == "zc-gas").OrderBy(d => d.Id, StringComparer.Ordinal).First();

    /// <summary>modbus.yaml of the repository, optionally with <see cref="ZoneController"/> added on a port of its own.</summary>
    public static ModbusPollPlan Plan(bool withZoneController = false)
    {
        if (!withZoneController)
        {
            return ModbusProfileLoader.Load(ProfileFile, Registry);
        }

        // The devices list is the last block of the file: one more entry goes at its end.
        var directory = Directory.CreateTempSubdirectory("lifeline-simmb-");
        try
        {
            var file = Path.Combine(directory.FullName, ModbusProfileLoader.FileName);
            File.WriteAllText(file, File.ReadAllText(ProfileFile).TrimEnd() + $"\n  - {{id: {ZoneController.Id}, port: 15099}}\n");
            return ModbusProfileLoader.Load(file, Registry);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A simulation of every device with seed 42 from <see cref="Start"/>, with only the given scenarios.</summary>
    public static SimulationPlan Simulation(params string[] scenarios)
    {
        var options = new SimulatorOptions { Enabled = true, ScenarioSet = SimulatorOptions.NoScenarioSet };
        foreach (var scenario in scenarios)
        {
            options.Scenarios.Add(scenario);
        }

        SimulationPlan.TryCreate(Registry, options, Start, out var plan, out var errors).ShouldBeTrue(string.Join("; ", errors));
        return plan!;
    }
}

/// <summary>
/// A <see cref="ModbusSlaveFarm"/> over the repository's modbus.yaml on ports the system picks, with the simulation
/// clock on a <see cref="FakeTimeProvider"/>: the registers change only when a test advances the clock and calls
/// <see cref="UpdateAt"/>, so what a master reads can be compared with the simulation at that instant.
/// </summary>
internal sealed class SlaveFarmHarness : IAsyncDisposable
{
    private readonly List<ModbusTcpClient> _clients = [];

    private SlaveFarmHarness(ModbusPollPlan plan, SimulationPlan simulation, FakeTimeProvider time, ModbusSlaveFarm farm, CapturingLogger logger)
    {
        Plan = plan;
        Simulation = simulation;
        Time = time;
        Farm = farm;
        Logger = logger;
    }

    public ModbusPollPlan Plan { get; }

    public SimulationPlan Simulation { get; }

    public FakeTimeProvider Time { get; }

    public ModbusSlaveFarm Farm { get; }

    public CapturingLogger Logger { get; }

    public static async Task<SlaveFarmHarness> StartAsync(bool withZoneController = false, string[]? scenarios = null, Action<SimulatorModbusOptions>? configure = null)
    {
        var plan = Baoshan.Plan(withZoneController);
        var simulation = Baoshan.Simulation(scenarios ?? []);
        var options = new SimulatorModbusOptions();
        foreach (var device in plan.Devices)
        {
            options.Ports[device.DeviceId] = 0;
        }

        configure?.Invoke(options);
        var time = new FakeTimeProvider(Baoshan.Start);
        var logger = new CapturingLogger();
        var farm = new ModbusSlaveFarm(plan, simulation.Generator, options, time, logger);
        await farm.StartAsync();
        return new SlaveFarmHarness(plan, simulation, time, farm, logger);
    }

    public ModbusDeviceConfig Config(string deviceId) => Plan.Devices.Single(d => d.DeviceId == deviceId);

    public ModbusSlaveStatus Status(string deviceId) => Farm.Slaves.Single(s => s.DeviceId == deviceId);

    /// <summary>Where the device is served (the system picked the port).</summary>
    public int Port(string deviceId) => Status(deviceId).Listening?.Port ?? throw new InvalidOperationException($"{deviceId} is not served: {Status(deviceId).Error}");

    /// <summary>Advances the simulation clock by <paramref name="elapsed"/> and recomputes the registers.</summary>
    public void UpdateAt(TimeSpan elapsed)
    {
        Time.Advance(elapsed);
        Farm.Update();
    }

    /// <summary>The simulation's value of a channel now (boolean channels 1 or 0).</summary>
    public double Expected(string deviceId, string channel)
    {
        var device = Config(deviceId).Device;
        device.TryGetChannel(channel, out var c).ShouldBeTrue($"{deviceId} has no channel {channel}");
        return Simulation.Generator.Value(device, c!, Time.GetUtcNow());
    }

    public async Task<ModbusTcpClient> ConnectAsync(string deviceId, TimeSpan? requestTimeout = null)
    {
        var client = await ModbusTcpClient.ConnectAsync(
            "127.0.0.1",
            Port(deviceId),
            new ModbusTcpClientOptions { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5), ConnectTimeout = TimeSpan.FromSeconds(5) });
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        await Farm.DisposeAsync();
    }
}

/// <summary>Reading profile points with our own client, and how closely a register can carry a value.</summary>
internal static class Points
{
    public static ModbusPoint Of(ModbusDeviceConfig config, string name) =>
        config.Groups.SelectMany(g => g.Points).Concat(config.Profile.Writable).First(p => p.Name == name);

    /// <summary>Reads one point and decodes it as the profile says (bits as 1 or 0).</summary>
    public static async Task<double> ReadAsync(ModbusTcpClient client, ModbusDeviceConfig config, ModbusPoint point)
    {
        var unit = config.UnitId;
        switch (point.Table)
        {
            case ModbusTable.Coils:
                return (await client.ReadCoilsAsync(unit, point.Address, 1))[0] ? 1 : 0;
            case ModbusTable.DiscreteInputs:
                return (await client.ReadDiscreteInputsAsync(unit, point.Address, 1))[0] ? 1 : 0;
            case ModbusTable.HoldingRegisters:
                return point.Format.Decode(await client.ReadHoldingRegistersAsync(unit, point.Address, (ushort)point.Width));
            default:
                return point.Format.Decode(await client.ReadInputRegistersAsync(unit, point.Address, (ushort)point.Width));
        }
    }

    /// <summary>The largest difference encoding may make: half a step of an integer register, float rounding, none for bits.</summary>
    public static double Resolution(ModbusPoint point, double value) => point.Format.DataType switch
    {
        ModbusDataType.Bool => 0,
        ModbusDataType.Float32 => (Math.Abs(value) * 1.2e-7) + 1e-12,
        _ => (Math.Abs(point.Format.Scale) / 2) + 1e-9,
    };

    public static string Describe(string deviceId, ModbusPoint point, double read, double expected) =>
        string.Create(CultureInfo.InvariantCulture, $"{deviceId}.{point.Name} ({point.Table} {point.Address}, {point.Format.DataType} {point.Format.ByteOrder} ×{point.Format.Scale}): read {read}, simulated {expected}");
}
