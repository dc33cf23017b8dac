using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules.Anomaly;
using Lifeline.Testing;

namespace Lifeline.Rules.Tests.Anomaly;

/// <summary>Devices, series and feeding helpers for the anomaly detector tests.</summary>
internal static class AnomalyKit
{
    public const string DeviceId = "test-rd-trunk-gas-z009-ctl";
    public const string Model = "zc-test";

    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    public static readonly SensorType FanCommand = new("fan_cmd", "Fan command", string.Empty, ChannelKind.Boolean, 0, 1, "tunnel_equipment");
    public static readonly SensorType RunFeedback = new("run_feedback", "Run feedback", string.Empty, ChannelKind.Boolean, 0, 1, "tunnel_equipment");

    public static readonly Channel Temp = new("temp", TestRegistry.Temp, TestRegistry.Temp.Min, TestRegistry.Temp.Max);
    public static readonly Channel O2 = new("o2", TestRegistry.O2, TestRegistry.O2.Min, TestRegistry.O2.Max);
    public static readonly Channel Ch4 = new("ch4", TestRegistry.Ch4, TestRegistry.Ch4.Min, TestRegistry.Ch4.Max);
    public static readonly Channel Intrusion = new("intrusion", TestRegistry.Intrusion, 0, 1);
    public static readonly Channel Fan1Cmd = new("fan1_cmd", FanCommand, 0, 1);
    public static readonly Channel Fan1Run = new("fan1_run", RunFeedback, 0, 1);

    /// <summary>A zone controller with temp, o2, ch4, intrusion and a fan command/feedback pair.</summary>
    public static Device Device(TimeSpan? interval = null, string model = Model, string id = DeviceId)
    {
        var location = new AssetLocation
        {
            SiteId = TestRegistry.Site, SiteKind = SiteKind.TunnelProject, TunnelId = "test-rd-trunk", CabinId = "test-rd-trunk-gas",
            CabinType = CabinType.Gas, ZoneId = "test-rd-trunk-gas-z009", ZoneIndex = 9, Description = "Test Rd trunk · gas cabin · zone 9",
        };
        return new Device(id, model, location, [Temp, O2, Ch4, Intrusion, Fan1Cmd, Fan1Run], interval ?? TimeSpan.FromSeconds(1));
    }

    public static DateTimeOffset Sec(double seconds) => T0 + TimeSpan.FromSeconds(seconds);

    public static Reading Reading(Channel channel, double value, double seconds, long? seq = null) =>
        new(DeviceId, channel.Name, value, Sec(seconds), seq);

    /// <summary>Feeds sample i at T0 + i·period (now = the reading time) and returns the transitions with the index that emitted them.</summary>
    public static List<(int Index, AnomalyTransition Transition)> Run(IAnomalyDetector detector, Channel channel, IReadOnlyList<double> series, double periodSeconds = 1)
    {
        var result = new List<(int, AnomalyTransition)>();
        var output = new List<AnomalyTransition>();
        for (var i = 0; i < series.Count; i++)
        {
            var reading = Reading(channel, series[i], i * periodSeconds);
            detector.Evaluate(reading, reading.Timestamp, output);
            foreach (var transition in output)
            {
                result.Add((i, transition));
            }

            output.Clear();
        }

        return result;
    }

    public static List<AnomalyTransition> Feed(IAnomalyDetector detector, Channel channel, double value, double seconds, long? seq = null)
    {
        var output = new List<AnomalyTransition>();
        var reading = Reading(channel, value, seconds, seq);
        detector.Evaluate(reading, reading.Timestamp, output);
        return output;
    }

    public static List<AnomalyTransition> Timers(ITimedAnomalyDetector detector, double seconds)
    {
        var output = new List<AnomalyTransition>();
        detector.EvaluateTimers(Sec(seconds), output);
        return output;
    }

    public static double[] Sine(int count, double mean, double amplitude, double periodSamples) =>
        [.. Enumerable.Range(0, count).Select(i => mean + (amplitude * Math.Sin(2 * Math.PI * i / periodSamples)))];

    public static double[] Gaussian(int count, double mean, double sigma, int seed)
    {
        var random = new Random(seed);
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            result[i] = mean + (sigma * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }

        return result;
    }

    public static double[] UniformNoise(int count, double mean, double amplitude, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => mean + (amplitude * ((2 * random.NextDouble()) - 1)))];
    }

    /// <summary>Options with every detector off except the listed per-channel ones (device-level ones stay as given).</summary>
    public static AnomalyOptions OnlyChannelDetectors(params string[] kinds)
    {
        var options = new AnomalyOptions();
        var d = options.Defaults;
        d.SensorFault.Enabled = kinds.Contains(AnomalyKinds.SensorFault);
        d.RateOfChange.Enabled = kinds.Contains(AnomalyKinds.RateOfChange);
        d.Spike.Enabled = kinds.Contains(AnomalyKinds.Spike);
        d.Flatline.Enabled = kinds.Contains(AnomalyKinds.Flatline);
        d.Drift.Enabled = kinds.Contains(AnomalyKinds.Drift);
        options.DeviceOffline.Enabled = kinds.Contains(AnomalyKinds.DeviceOffline);
        options.SeqGap.Enabled = kinds.Contains(AnomalyKinds.SeqGap);
        return options;
    }

    public static void ShouldBe(this AnomalyTransition transition, string kind, RuleTransitionKind change, DateTimeOffset at)
    {
        transition.Kind.ShouldBe(kind);
        transition.Change.ShouldBe(change);
        transition.At.ShouldBe(at);
        transition.Device.Id.ShouldBe(DeviceId);
    }
}
