using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;

namespace Lifeline.Simulation.Tests.Signals;

public sealed class SignalGeneratorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly AssetRegistry _registry = TestRegistry.Create();

    [Fact]
    public void Sample_Same_Seed_And_Tick_Gives_Identical_Values()
    {
        var other = TestRegistry.Create();
        var a = new SignalGenerator(_registry, 42, Start);
        var b = new SignalGenerator(other, 42, Start);

        for (var tick = 0; tick < 300; tick++)
        {
            var time = Start.AddSeconds(tick);
            foreach (var device in _registry.Devices)
            {
                other.TryGetDevice(device.Id, out var twin).ShouldBeTrue();
                a.Sample(device, time).ShouldBe(b.Sample(twin, time));
            }
        }
    }

    [Fact]
    public void Sample_Different_Seed_Gives_Different_Values()
    {
        var a = new SignalGenerator(_registry, 42, Start);
        var b = new SignalGenerator(_registry, 43, Start);
        var device = Device(TestRegistry.GasController(1));
        var temp = Channel(device, "temp");

        var differing = Enumerable.Range(0, 100).Count(t => a.Value(device, temp, Start.AddSeconds(t)) != b.Value(device, temp, Start.AddSeconds(t)));

        differing.ShouldBeGreaterThan(90);
    }

    [Fact]
    public void Sample_Different_Devices_Differ_Under_One_Seed()
    {
        var sut = new SignalGenerator(_registry, 42, Start);
        var one = Device(TestRegistry.GasController(1));
        var two = Device(TestRegistry.GasController(2));

        sut.Value(one, Channel(one, "temp"), Start).ShouldNotBe(sut.Value(two, Channel(two, "temp"), Start));
    }

    [Fact]
    public void Values_Stay_In_Physical_Range_And_Inside_Alarm_Limits_Over_A_Day()
    {
        var sut = new SignalGenerator(_registry, 7, Start);
        for (var s = 0; s < 86_400; s += 20)
        {
            var time = Start.AddSeconds(s);
            foreach (var device in _registry.Devices)
            {
                foreach (var channel in device.Channels)
                {
                    var value = sut.Value(device, channel, time);
                    channel.IsInPhysicalRange(value).ShouldBeTrue($"{device.Id}.{channel.Name} = {value} at {time:O}");
                    switch (channel.Name)
                    {
                        case "o2":
                            value.ShouldBeInRange(20.5, 21.3);
                            break;
                        case "ch4" or "lel":
                            value.ShouldBeInRange(0, 1.5);
                            break;
                        case "temp" when device.Location.SiteKind == SiteKind.TunnelProject:
                            value.ShouldBeInRange(17, 26);
                            break;
                        case "rh":
                            value.ShouldBeInRange(58, 82);
                            break;
                        case "level":
                            value.ShouldBeLessThan(1.5);
                            break;
                        case "cod":
                            value.ShouldBeLessThan(40);
                            break;
                        case "nh3n":
                            value.ShouldBeLessThan(4);
                            break;
                        case "tp":
                            value.ShouldBeLessThan(0.4);
                            break;
                        case "ph":
                            value.ShouldBeInRange(6.5, 8.5);
                            break;
                        case "p_out":
                            value.ShouldBeInRange(0.09, 0.11);
                            break;
                        case "p_in":
                            value.ShouldBeInRange(0.2, 0.4);
                            break;
                        default:
                            break;
                    }
                }
            }
        }
    }

    [Fact]
    public void Temperature_Follows_A_Daily_Cycle()
    {
        var sut = new SignalGenerator(_registry, 42, Start);
        var device = Device(TestRegistry.GasController(1));
        var temp = Channel(device, "temp");

        // Baoshan is UTC+8: 15:00 local = 07:00 UTC, 03:00 local = 19:00 UTC.
        var afternoon = Average(h => sut.Value(device, temp, Start.AddHours(7).AddMinutes(h)));
        var night = Average(h => sut.Value(device, temp, Start.AddHours(19).AddMinutes(h)));

        (afternoon - night).ShouldBeGreaterThan(2);
    }

    [Fact]
    public void Sump_Level_Rises_And_Falls_While_Pump1_Runs()
    {
        var sut = new SignalGenerator(_registry, 42, Start);
        var device = Device(TestRegistry.GasController(2));
        var level = Channel(device, "level");
        var pump = Channel(device, "pump1_run");

        var samples = Enumerable.Range(0, 3600).Select(s => Start.AddSeconds(s * 2))
            .Select(t => (Level: sut.Value(device, level, t), Pump: sut.Value(device, pump, t) == 1)).ToList();

        samples.ShouldContain(x => x.Pump);
        samples.ShouldContain(x => !x.Pump);
        var pumping = samples.Zip(samples.Skip(1)).Where(p => p.First.Pump && p.Second.Pump).ToList();
        pumping.Average(p => p.Second.Level - p.First.Level).ShouldBeLessThan(0);
        var filling = samples.Zip(samples.Skip(1)).Where(p => !p.First.Pump && !p.Second.Pump).ToList();
        filling.Average(p => p.Second.Level - p.First.Level).ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Sample_Gives_Booleans_For_Boolean_Channels_And_Doubles_Otherwise()
    {
        var sut = new SignalGenerator(_registry, 42, Start);
        var device = Device(TestRegistry.GasController(1));

        var values = sut.Sample(device, Start)!.ToDictionary(v => v.Key, v => v.Value);

        values.Keys.ShouldBe(device.Channels.Select(c => c.Name));
        values["o2"].ShouldBeOfType<double>();
        values["fan2_run"].ShouldBe(false);
        values["intrusion"].ShouldBe(false);
    }

    private Device Device(string id) => _registry.TryGetDevice(id, out var d) ? d : throw new InvalidOperationException(id);

    private static Channel Channel(Device device, string name) => device.TryGetChannel(name, out var c) ? c : throw new InvalidOperationException(name);

    private static double Average(Func<int, double> f) => Enumerable.Range(0, 60).Select(f).Average();
}
