using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Rules.Anomaly;
using Microsoft.Extensions.Time.Testing;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class AnomalyRuleFactoryTests
{
    [Fact]
    public void RuleFor_BuiltInKind_IsASyntheticRuleWithItsPriorityAndMessage()
    {
        // Arrange
        var sut = new AnomalyRuleFactory(new AnomalyOptions());

        // Act
        var rule = sut.RuleFor(AnomalyKinds.Spike);

        // Assert
        rule.Id.ShouldBe("anomaly.spike");
        rule.Kind.ShouldBe("spike");
        rule.SensorType.ShouldBe("*");
        rule.Direction.ShouldBe(ThresholdDirection.OnTrue);
        rule.Priority.ShouldBe(AlarmPriority.Low);
        rule.Message.ShouldBe("Spike: one reading far from its neighbours");
        rule.LifeSafety.ShouldBeFalse();
        rule.OnDelay.ShouldBe(TimeSpan.Zero);
        sut.RuleFor(AnomalyKinds.Spike).ShouldBeSameAs(rule);
    }

    [Fact]
    public void RuleFor_EveryKind_HasADistinctId()
    {
        // Arrange
        var sut = new AnomalyRuleFactory(new AnomalyOptions());

        // Act / Assert
        AnomalyKinds.All.Select(k => sut.RuleFor(k).Id).Distinct().Count().ShouldBe(8);
    }

    [Fact]
    public void RuleFor_ConfiguredPriorityAndMessage_AreUsed()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.Alarms[AnomalyKinds.Flatline].Priority = AlarmPriority.Medium;
        options.Alarms[AnomalyKinds.Flatline].Message = "Stuck sensor: check calibration";

        // Act
        var rule = new AnomalyRuleFactory(options).RuleFor(AnomalyKinds.Flatline);

        // Assert
        rule.Priority.ShouldBe(AlarmPriority.Medium);
        rule.Message.ShouldBe("Stuck sensor: check calibration");
    }

    [Fact]
    public void RuleFor_UnknownKind_GetsLowPriorityAndTheKindAsMessage()
    {
        // Arrange
        var sut = new AnomalyRuleFactory(new AnomalyOptions());

        // Act
        var rule = sut.RuleFor("bump_test_due");

        // Assert
        rule.Id.ShouldBe("anomaly.bump_test_due");
        rule.Priority.ShouldBe(AlarmPriority.Low);
        rule.Message.ShouldBe("bump_test_due");
        sut.RuleFor("bump_test_due").ShouldBeSameAs(rule);
    }

    [Fact]
    public void ToRuleTransition_ChannelAnomaly_KeepsTheSensor()
    {
        // Arrange
        var sut = new AnomalyRuleFactory(new AnomalyOptions());
        var anomaly = new AnomalyTransition(AnomalyKinds.SensorFault, RuleTransitionKind.Raised, Device(), O2, 26, Sec(1), "26 outside 0…25 %vol");

        // Act
        var transition = sut.ToRuleTransition(anomaly);

        // Assert
        transition.Kind.ShouldBe(RuleTransitionKind.Raised);
        transition.Rule.Id.ShouldBe("anomaly.sensor_fault");
        transition.Channel.ShouldBeSameAs(O2);
        transition.SensorId.ShouldBe($"{DeviceId}.o2");
        transition.Value.ShouldBe(26);
        transition.At.ShouldBe(Sec(1));
    }

    [Fact]
    public void ToRuleTransition_DeviceAnomaly_UsesTheDeviceChannel()
    {
        // Arrange
        var sut = new AnomalyRuleFactory(new AnomalyOptions());
        var anomaly = new AnomalyTransition(AnomalyKinds.DeviceOffline, RuleTransitionKind.Raised, Device(), null, 15, Sec(20), "no data for 15 s");

        // Act
        var transition = sut.ToRuleTransition(anomaly);

        // Assert
        transition.Channel.ShouldBeSameAs(AnomalyRuleFactory.DeviceChannel);
        transition.SensorId.ShouldBe($"{DeviceId}.device");
    }

    [Fact]
    public void AlarmService_AppliesConvertedTransitions_AsAlarmsOfTheAnomalyKind()
    {
        // Arrange: an offline device, then back.
        var observer = new RecordingObserver();
        var alarms = new AlarmService([observer], new FakeTimeProvider(T0));
        var engine = new AnomalyEngine([Device(TimeSpan.FromSeconds(5))], new AnomalyOptions());
        var factory = new AnomalyRuleFactory(new AnomalyOptions());
        var output = new List<AnomalyTransition>();
        engine.Evaluate(Reading(O2, 20.9, 0), Sec(0), output);
        engine.EvaluateTimers(Sec(15), output);
        engine.Evaluate(Reading(O2, 20.9, 16), Sec(16), output);

        // Act
        alarms.Apply([.. output.Select(factory.ToRuleTransition)]);

        // Assert
        observer.Changes.Count.ShouldBe(2);
        observer.Changes[0].Kind.ShouldBe("device_offline");
        observer.Changes[0].RuleId.ShouldBe("anomaly.device_offline");
        observer.Changes[0].Priority.ShouldBe(nameof(AlarmPriority.Medium));
        observer.Changes[0].State.ShouldBe(nameof(AlarmState.Unacknowledged));
        observer.Changes[0].SensorId.ShouldBe($"{DeviceId}.device");
        observer.Changes[0].Limit.ShouldBeNull();
        observer.Changes[1].State.ShouldBe(nameof(AlarmState.ReturnedUnacknowledged));
    }
}
