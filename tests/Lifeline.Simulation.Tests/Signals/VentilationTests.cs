using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Simulation.Tests.Signals;

/// <summary>Commanded fans blow a gas leak out of their zone with the configured time constant; commands are inputs, so runs repeat.</summary>
public sealed class VentilationTests
{
    private static readonly TimeSpan Tau = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact]
    public void Starting_The_Zone_Fan_Brings_A_Gas_Leak_Below_10_LEL_Within_The_Computed_Time()
    {
        var time = new FakeTimeProvider(T0);
        var generator = Generator(time.GetUtcNow());
        var (device, ch4) = Channel(TestRegistry.GasController(3), "ch4");

        // The leak builds up: above the 20 %LEL ventilation limit within a minute.
        time.Advance(TimeSpan.FromSeconds(60));
        var before = generator.Value(device, ch4, time.GetUtcNow());
        before.ShouldBeGreaterThan(20);

        // The platform starts fan 1 of the zone controller.
        var startedAt = time.GetUtcNow();
        generator.Equipment.Command(device.Id, "fan1_run", 1, startedAt);
        generator.Value(device, device.Channels.Single(c => c.Name == "fan1_run"), startedAt).ShouldBe(1);

        // Excess ≤ 40 %LEL (the leak's peak) over a background ≤ 1 %LEL (its normal ceiling): below 10 %LEL once
        // 40·exp(−t/τ) + 1 < 10, i.e. after τ·ln(40/9) ≈ 90 s of running; a second of margin.
        var background = Generator(T0, scenarios: false);
        var maxBackground = Enumerable.Range(0, 600).Max(s => background.Value(device, ch4, startedAt + TimeSpan.FromSeconds(s)));
        maxBackground.ShouldBeLessThan(1.0);
        var bound = TimeSpan.FromSeconds((Tau.TotalSeconds * Math.Log(40 / (10 - 1.0))) + 1);

        var previous = before;
        var falling = 0;
        for (var elapsed = TimeSpan.Zero; elapsed <= bound + TimeSpan.FromMinutes(5); elapsed += TimeSpan.FromSeconds(1))
        {
            var value = generator.Value(device, ch4, time.GetUtcNow());
            if (elapsed >= bound)
            {
                value.ShouldBeLessThan(10, $"{elapsed} after the fan started");
            }

            falling += value < previous ? 1 : 0;
            previous = value;
            time.Advance(TimeSpan.FromSeconds(1));
        }

        falling.ShouldBeGreaterThan(100);

        // Without the command the leak stays up.
        var unventilated = Generator(T0);
        unventilated.Value(device, ch4, startedAt + bound).ShouldBeGreaterThan(20);
    }

    [Fact]
    public void A_Fan_Of_Another_Zone_Does_Not_Ventilate_And_A_Stopped_Fan_Stops_The_Decay()
    {
        var generator = Generator(T0);
        var (device, ch4) = Channel(TestRegistry.GasController(3), "ch4");
        var startedAt = T0 + TimeSpan.FromSeconds(60);
        generator.Equipment.Command(TestRegistry.GasController(1), "fan1_run", 1, startedAt);
        generator.Value(device, ch4, startedAt + TimeSpan.FromMinutes(3)).ShouldBeGreaterThan(20);

        // 30 s of running, then stopped: the excess keeps the factor exp(−30/60) afterwards.
        generator.Equipment.Command(device.Id, "fan2_run", 1, startedAt);
        generator.Equipment.Command(device.Id, "fan2_run", 0, startedAt + TimeSpan.FromSeconds(30));
        var reference = Generator(T0);
        var at = startedAt + TimeSpan.FromMinutes(3);
        var background = Generator(T0, scenarios: false).Value(device, ch4, at);
        var expected = background + ((reference.Value(device, ch4, at) - background) * Math.Exp(-0.5));
        generator.Value(device, ch4, at).ShouldBe(expected, 0.01);
    }

    [Fact]
    public void Same_Commands_At_The_Same_Times_Give_The_Same_Values()
    {
        var (device, _) = Channel(TestRegistry.GasController(3), "ch4");
        double[] Run()
        {
            var generator = Generator(T0);
            generator.Equipment.Command(device.Id, "fan1_run", 1, T0 + TimeSpan.FromSeconds(45.5));
            generator.Equipment.Command(device.Id, "fan1_run", 0, T0 + TimeSpan.FromSeconds(130));
            generator.Equipment.Command(device.Id, "pump1_run", 1, T0 + TimeSpan.FromSeconds(10));
            return Enumerable.Range(0, 300)
                .SelectMany(s => generator.Sample(device, T0 + TimeSpan.FromSeconds(s))!.Select(v => v.Value is bool b ? (b ? 1.0 : 0.0) : (double)v.Value))
                .ToArray();
        }

        Run().ShouldBe(Run());
    }

    private SignalGenerator Generator(DateTimeOffset start, bool scenarios = true)
    {
        var schedule = new ScenarioSchedule(scenarios ? [ScenarioResolver.Resolve($"{ScenarioNames.GasLeak}@{TestRegistry.GasZone(3)}", _registry)] : []);
        return new SignalGenerator(_registry, 42, start, schedule, Tau);
    }

    private (Device Device, Channel Channel) Channel(string deviceId, string channel)
    {
        _registry.TryGetDevice(deviceId, out var device).ShouldBeTrue();
        return (device!, device!.Channels.Single(c => c.Name == channel));
    }
}
