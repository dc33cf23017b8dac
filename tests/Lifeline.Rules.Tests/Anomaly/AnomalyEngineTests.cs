using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules.Anomaly;
using Lifeline.Testing;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class AnomalyEngineTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private const string Gas3 = "test-rd-trunk-gas-z003-ctl";
    private const string Plant = TestRegistry.PlantDevice;

    private readonly AssetRegistry _registry = TestRegistry.Create();

    private static List<AnomalyTransition> Feed(AnomalyEngine engine, string device, string channel, double value, double seconds, long? seq = null, double? arrival = null)
    {
        var output = new List<AnomalyTransition>();
        engine.Evaluate(new Reading(device, channel, value, Sec(seconds), seq), Sec(arrival ?? seconds), output);
        return output;
    }

    private static List<AnomalyTransition> Timers(AnomalyEngine engine, double seconds)
    {
        var output = new List<AnomalyTransition>();
        engine.EvaluateTimers(Sec(seconds), output);
        return output;
    }

    [Fact]
    public void Constructor_TestRegistry_BuildsTheExpectedDetectors()
    {
        // Act
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());

        // Assert: 3 gas controllers × (3 analog × 5 + intrusion × 1 + offline + seq) + plant (cod × 5 + offline + seq).
        sut.Devices.ShouldBe(4);
        sut.Sensors.ShouldBe(13);
        sut.DetectorInstances.ShouldBe((3 * 18) + 7);
    }

    [Fact]
    public void Constructor_DetectorsDisabled_AreNotBuilt()
    {
        // Act
        var sut = new AnomalyEngine(_registry, OnlyChannelDetectors(AnomalyKinds.SensorFault));

        // Assert: only a sensor-fault detector per sensor.
        sut.DetectorInstances.ShouldBe(13);
    }

    [Fact]
    public void Evaluate_O2StuckForAnHourAndCh4AtZero_OnlyTheO2Flatlines()
    {
        // Arrange: built-in options; one message per second carrying o2, ch4, temp and intrusion.
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());
        var transitions = new List<AnomalyTransition>();
        Timers(sut, 0);

        // Act
        for (var t = 0; t <= 7200; t++)
        {
            transitions.AddRange(Feed(sut, Gas1, "o2", 20.9, t, seq: t + 1));
            transitions.AddRange(Feed(sut, Gas1, "ch4", 0, t, seq: t + 1));
            transitions.AddRange(Feed(sut, Gas1, "temp", 18 + (0.3 * Math.Sin(t / 300.0)), t, seq: t + 1));
            transitions.AddRange(Feed(sut, Gas1, "intrusion", 0, t, seq: t + 1));
        }

        // Assert
        var raised = transitions.ShouldHaveSingleItem();
        raised.Kind.ShouldBe(AnomalyKinds.Flatline);
        raised.SensorId.ShouldBe($"{Gas1}.o2");
        raised.At.ShouldBe(Sec(3600));
    }

    [Fact]
    public void Evaluate_OutOfRangeValue_OnlyFeedsTheSensorFaultDetector()
    {
        // Arrange: O₂ 30 %vol at 10 s would also be a rate of change (9.1 %vol/s > 2.5) and a spike.
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());
        var transitions = new List<AnomalyTransition>();

        // Act
        for (var t = 0; t < 40; t++)
        {
            transitions.AddRange(Feed(sut, Gas1, "o2", t == 10 ? 30 : 20.9 + (0.01 * (t % 3)), t));
        }

        // Assert
        transitions.Select(t => (t.Kind, t.Change, t.At)).ShouldBe(
            [(AnomalyKinds.SensorFault, RuleTransitionKind.Raised, Sec(10)), (AnomalyKinds.SensorFault, RuleTransitionKind.Cleared, Sec(13))]);
    }

    [Fact]
    public void Evaluate_DuplicateOrOlderReading_IsNotCountedTwice()
    {
        // Arrange
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());
        Feed(sut, Gas1, "o2", 26, 0).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Raised);

        // Act / Assert: three in-range copies of one reading count once; an older one not at all.
        Feed(sut, Gas1, "o2", 20.9, 1).ShouldBeEmpty();
        Feed(sut, Gas1, "o2", 20.9, 1).ShouldBeEmpty();
        Feed(sut, Gas1, "o2", 20.9, 1).ShouldBeEmpty();
        Feed(sut, Gas1, "o2", 20.9, 0.5).ShouldBeEmpty();
        Feed(sut, Gas1, "o2", 20.9, 2).ShouldBeEmpty();
        Feed(sut, Gas1, "o2", 20.9, 3).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void Evaluate_UnknownDeviceOrChannel_IsIgnored()
    {
        // Arrange
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());

        // Act / Assert
        Feed(sut, "no-such-device", "o2", 99, 0).ShouldBeEmpty();
        Feed(sut, Gas1, "no-such-channel", 99, 0).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_ReadingOfAnyChannel_FeedsTheDeviceLevelDetectors()
    {
        // Arrange
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());
        for (var seq = 1; seq <= 10; seq++)
        {
            Feed(sut, Gas1, "o2", 20.9, seq, seq).ShouldBeEmpty();
        }

        // Act: a message with an unknown channel still carries the device's seq.
        var transitions = Feed(sut, Gas1, "no-such-channel", 1, 11, seq: 14);

        // Assert
        var gap = transitions.ShouldHaveSingleItem();
        gap.Kind.ShouldBe(AnomalyKinds.SeqGap);
        gap.Value.ShouldBe(3);
        gap.SensorId.ShouldBe(Gas1);
    }

    [Fact]
    public void EvaluateTimers_DevicesGoOfflineAtThreeTimesTheirInterval_AndComeBack()
    {
        // Arrange: gas controllers report every 1 s (offline after 3 s), the plant analyser every 60 s (180 s).
        var sut = new AnomalyEngine(_registry, new AnomalyOptions());
        var offline = new List<(string Device, RuleTransitionKind Change, DateTimeOffset At)>();
        Timers(sut, 0).ShouldBeEmpty();

        // Act: Gas1 reports until 10 s; Gas3 starts at 100 s; timers every second.
        for (var t = 0; t <= 200; t++)
        {
            if (t <= 10 || t >= 150)
            {
                offline.AddRange(Feed(sut, Gas1, "temp", 20 + (0.1 * (t % 5)), t).Select(x => (x.Device.Id, x.Change, x.At)));
            }

            if (t >= 100)
            {
                offline.AddRange(Feed(sut, Gas3, "temp", 20 + (0.1 * (t % 5)), t).Select(x => (x.Device.Id, x.Change, x.At)));
            }

            offline.AddRange(Timers(sut, t).Select(x => (x.Device.Id, x.Change, x.At)));
        }

        // Assert
        offline.ShouldBe(
        [
            (Gas2, RuleTransitionKind.Raised, Sec(3)),
            (Gas3, RuleTransitionKind.Raised, Sec(3)),
            (Gas1, RuleTransitionKind.Raised, Sec(13)),
            (Gas3, RuleTransitionKind.Cleared, Sec(100)),
            (Gas1, RuleTransitionKind.Cleared, Sec(150)),
            (Plant, RuleTransitionKind.Raised, Sec(180)),
        ]);
    }

    [Fact]
    public void Evaluate_CommandPairOfTheDeviceModel_RaisesMismatchAndOtherModelsGetNone()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.CommandMismatch.Pairs.Add(new CommandFeedbackPair { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run", DeviceModel = Model });
        var matching = new AnomalyEngine([Device()], options);
        var other = new AnomalyEngine([Device(model: "zc-other")], options);

        // Act / Assert
        (matching.DetectorInstances - other.DetectorInstances).ShouldBe(1);
        foreach (var sut in new[] { matching, other })
        {
            Feed(sut, DeviceId, "fan1_run", 0, 0);
            Feed(sut, DeviceId, "fan1_cmd", 1, 0);
        }

        var mismatch = Timers(matching, 30).Where(t => t.Kind == AnomalyKinds.CommandMismatch).ShouldHaveSingleItem();
        mismatch.SensorId.ShouldBe($"{DeviceId}.fan1_run");
        Timers(other, 30).Where(t => t.Kind == AnomalyKinds.CommandMismatch).ShouldBeEmpty();
    }

    [Fact]
    public void Constructor_CommandPairFilteredBySensorType_MatchesTheCommandChannelsType()
    {
        // Arrange
        var byCommandType = new AnomalyOptions();
        byCommandType.CommandMismatch.Pairs.Add(new CommandFeedbackPair { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run", SensorType = "fan_cmd" });
        var byOtherType = new AnomalyOptions();
        byOtherType.CommandMismatch.Pairs.Add(new CommandFeedbackPair { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run", SensorType = "run_feedback" });
        var missingChannel = new AnomalyOptions();
        missingChannel.CommandMismatch.Pairs.Add(new CommandFeedbackPair { CommandChannel = "fan2_cmd", FeedbackChannel = "fan2_run" });

        // Act
        var baseline = new AnomalyEngine([Device()], new AnomalyOptions()).DetectorInstances;

        // Assert
        new AnomalyEngine([Device()], byCommandType).DetectorInstances.ShouldBe(baseline + 1);
        new AnomalyEngine([Device()], byOtherType).DetectorInstances.ShouldBe(baseline);
        new AnomalyEngine([Device()], missingChannel).DetectorInstances.ShouldBe(baseline);
    }

    [Fact]
    public void Evaluate_BooleanChannel_GetsNoValueDetectors()
    {
        // Arrange: intrusion reads false for two hours.
        var sut = new AnomalyEngine(_registry, OnlyChannelDetectors(AnomalyKinds.Flatline, AnomalyKinds.Spike, AnomalyKinds.Drift, AnomalyKinds.RateOfChange));

        // Act / Assert: 10 analog sensors × 4 detectors, nothing on intrusion.
        sut.DetectorInstances.ShouldBe(40);
        for (var t = 0; t < 7200; t++)
        {
            Feed(sut, Gas1, "intrusion", t == 5000 ? 1 : 0, t).ShouldBeEmpty();
        }
    }

    [Fact]
    public void DeviceSeen_OnlineStatusOfASilentDevice_ClearsItsOfflineAnomalyAndRestartsTheClock()
    {
        // Arrange: a device watched from its first sign of life only; it reports once, then goes quiet.
        var options = OnlyChannelDetectors(AnomalyKinds.DeviceOffline);
        options.DeviceOffline.IncludeNeverSeen = false;
        var sut = new AnomalyEngine(_registry, options);
        Feed(sut, Gas1, "o2", 20.9, 0).ShouldBeEmpty();
        Timers(sut, 3).ShouldHaveSingleItem().Kind.ShouldBe(AnomalyKinds.DeviceOffline);
        var output = new List<AnomalyTransition>();

        // Act: its online status, and the status of a device never heard from.
        sut.DeviceSeen(Gas1, Sec(10), output);
        sut.DeviceSeen(Gas2, Sec(10), output);
        sut.DeviceSeen("no-such-device", Sec(10), output);

        // Assert: Gas1 cleared; both are watched from now on.
        output.ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Cleared);
        Timers(sut, 12.9).ShouldBeEmpty();
        Timers(sut, 13).Select(t => t.Device.Id).ShouldBe([Gas1, Gas2], ignoreOrder: true);
    }
}
