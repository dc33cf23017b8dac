using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class DeviceOfflineDetectorTests
{
    /// <summary>A device reporting every 5 s: offline after 15 s.</summary>
    private static DeviceOfflineDetector Create(AnomalyOptions? options = null) =>
        new(Device(TimeSpan.FromSeconds(5)), options ?? new AnomalyOptions());

    /// <summary>A reading that arrives at T0 + <paramref name="arrival"/> s.</summary>
    private static List<AnomalyTransition> Arrive(DeviceOfflineDetector sut, double arrival, double deviceTime = double.NaN)
    {
        var output = new List<AnomalyTransition>();
        sut.Evaluate(Reading(O2, 20.9, double.IsNaN(deviceTime) ? arrival : deviceTime), Sec(arrival), output);
        return output;
    }

    [Fact]
    public void Timeout_IsThreeTimesTheExpectedInterval()
    {
        // Act / Assert
        Create().Timeout.ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void EvaluateTimers_DeviceSilentFor3xInterval_OfflineAtExactlyThatTime_ClearedWhenBack()
    {
        // Arrange
        var sut = Create();
        Arrive(sut, 0).ShouldBeEmpty();
        Arrive(sut, 5).ShouldBeEmpty();

        // Act / Assert
        Timers(sut, 19.999).ShouldBeEmpty();
        var raised = Timers(sut, 20).ShouldHaveSingleItem();
        raised.ShouldBe(AnomalyKinds.DeviceOffline, RuleTransitionKind.Raised, Sec(20));
        raised.Channel.ShouldBeNull();
        raised.SensorId.ShouldBe(DeviceId);
        raised.Value.ShouldBe(15);
        raised.Detail.ShouldBe("no data for 15 s (expected every 5 s)");
        Timers(sut, 21).ShouldBeEmpty();
        Timers(sut, 600).ShouldBeEmpty();

        var cleared = Arrive(sut, 601).ShouldHaveSingleItem();
        cleared.ShouldBe(AnomalyKinds.DeviceOffline, RuleTransitionKind.Cleared, Sec(601));
        sut.IsActive.ShouldBeFalse();
    }

    [Fact]
    public void EvaluateTimers_ReadingsKeepComing_NeverRaises()
    {
        // Arrange
        var sut = Create();

        // Act / Assert: a reading every 14 s, timers every second.
        for (var t = 0; t < 1000; t++)
        {
            if (t % 14 == 0)
            {
                Arrive(sut, t).ShouldBeEmpty();
            }

            Timers(sut, t).ShouldBeEmpty();
        }
    }

    [Fact]
    public void EvaluateTimers_DeviceNeverHeardFrom_OfflineOneTimeoutAfterTheFirstTimerPass()
    {
        // Arrange
        var sut = Create();

        // Act / Assert
        Timers(sut, 100).ShouldBeEmpty();
        Timers(sut, 114).ShouldBeEmpty();
        Timers(sut, 115).ShouldHaveSingleItem().At.ShouldBe(Sec(115));
    }

    [Fact]
    public void EvaluateTimers_NeverSeenExcluded_NeverRaisesBeforeTheFirstReading()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.DeviceOffline.IncludeNeverSeen = false;
        var sut = Create(options);

        // Act / Assert
        Timers(sut, 0).ShouldBeEmpty();
        Timers(sut, 10_000).ShouldBeEmpty();
        Arrive(sut, 10_001);
        Timers(sut, 10_016).ShouldHaveSingleItem();
    }

    [Fact]
    public void EvaluateTimers_NeverSeenWithStartupGrace_OfflineOnlyAfterTheGrace()
    {
        // Arrange: a device every 5 s (timeout 15 s), 10 minutes for the fleet to appear after a start.
        var options = new AnomalyOptions();
        options.DeviceOffline.StartupGrace = TimeSpan.FromMinutes(10);
        var sut = Create(options);

        // Act / Assert
        Timers(sut, 100).ShouldBeEmpty();
        Timers(sut, 115).ShouldBeEmpty();
        Timers(sut, 699).ShouldBeEmpty();
        var raised = Timers(sut, 700).ShouldHaveSingleItem();
        raised.At.ShouldBe(Sec(700));
        raised.Detail.ShouldBe("never heard from in 600 s since start-up (expected every 5 s)");
    }

    [Fact]
    public void EvaluateTimers_NeverSeenWithStartupGrace_AFirstReadingStartsTheNormalTimeout()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.DeviceOffline.StartupGrace = TimeSpan.FromMinutes(10);
        var sut = Create(options);
        Timers(sut, 0).ShouldBeEmpty();

        // Act / Assert: the device appears after 2 minutes, then stops: offline one timeout later, not at the grace.
        Arrive(sut, 120).ShouldBeEmpty();
        Timers(sut, 134).ShouldBeEmpty();
        Timers(sut, 135).ShouldHaveSingleItem().Detail.ShouldBe("no data for 15 s (expected every 5 s)");
    }

    [Fact]
    public void Seen_NeverSeenExcluded_StartsWatchingWithoutAReading()
    {
        // Arrange: the device connects and says it is online, then sends nothing.
        var options = new AnomalyOptions();
        options.DeviceOffline.IncludeNeverSeen = false;
        var sut = Create(options);
        var output = new List<AnomalyTransition>();

        // Act
        sut.Seen(Sec(50), output);

        // Assert
        output.ShouldBeEmpty();
        Timers(sut, 64).ShouldBeEmpty();
        Timers(sut, 65).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Raised);
    }

    [Fact]
    public void Seen_WhileOffline_Clears()
    {
        // Arrange
        var sut = Create();
        Arrive(sut, 0);
        Timers(sut, 15).ShouldHaveSingleItem();
        var output = new List<AnomalyTransition>();

        // Act
        sut.Seen(Sec(30), output);

        // Assert
        output.ShouldHaveSingleItem().ShouldBe(AnomalyKinds.DeviceOffline, RuleTransitionKind.Cleared, Sec(30));
        sut.IsActive.ShouldBeFalse();
    }

    [Fact]
    public void Resume_AfterThePlatformCouldNotHearDevices_GivesTheStartupGraceOnce()
    {
        // Arrange: a device every 5 s (timeout 15 s), 2 minutes of grace; its last reading at 0.
        var options = new AnomalyOptions();
        options.DeviceOffline.StartupGrace = TimeSpan.FromMinutes(2);
        var sut = Create(options);
        Arrive(sut, 0);

        // Act: the platform hears devices again at 60 s (no timer pass ran meanwhile).
        sut.Resume(Sec(60));

        // Assert: silence counts from 60 s with the grace; once it reports, the normal timeout applies again.
        Timers(sut, 179).ShouldBeEmpty();
        Timers(sut, 180).ShouldHaveSingleItem().Detail.ShouldBe("no data for 120 s since the platform could hear devices again (expected every 5 s)");
        Arrive(sut, 200).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Cleared);
        sut.Resume(Sec(201));
        Arrive(sut, 202);
        Timers(sut, 216).ShouldBeEmpty();
        Timers(sut, 217).ShouldHaveSingleItem();
    }

    [Fact]
    public void Resume_DeviceAlreadyOfflineOrNeverHeardFrom_IsLeftAsItIs()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.DeviceOffline.IncludeNeverSeen = false;
        var offline = Create(options);
        Arrive(offline, 0);
        Timers(offline, 15).ShouldHaveSingleItem();
        var never = Create(options);

        // Act
        offline.Resume(Sec(20));
        never.Resume(Sec(20));

        // Assert
        offline.IsActive.ShouldBeTrue();
        Arrive(offline, 21).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Cleared);
        never.LastSeen.ShouldBeNull();
        Timers(never, 1000).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_UsesArrivalTimeNotDeviceTime()
    {
        // Arrange: the device clock is an hour behind; its readings still arrive every 5 s.
        var sut = Create();

        // Act / Assert
        for (var t = 0; t <= 60; t += 5)
        {
            Arrive(sut, t, deviceTime: t - 3600).ShouldBeEmpty();
            Timers(sut, t + 1).ShouldBeEmpty();
        }
    }

    [Fact]
    public void Evaluate_ClearSamplesConfigured_NeedsThatManyReadingsAndSilenceRestartsTheCount()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.DeviceOffline.ClearSamples = 3;
        var sut = Create(options);
        Arrive(sut, 0);
        Timers(sut, 15).ShouldHaveSingleItem();

        // Act / Assert: two readings, silence again, then three.
        Arrive(sut, 20).ShouldBeEmpty();
        Arrive(sut, 21).ShouldBeEmpty();
        Timers(sut, 36).ShouldBeEmpty(); // still offline: no second raise
        Arrive(sut, 40).ShouldBeEmpty();
        Arrive(sut, 41).ShouldBeEmpty();
        Arrive(sut, 42).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Cleared);
    }

    [Fact]
    public void Timeout_MinTimeoutConfigured_IsTheFloor()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.DeviceOffline.MinTimeout = TimeSpan.FromMinutes(1);

        // Act / Assert
        Create(options).Timeout.ShouldBe(TimeSpan.FromMinutes(1));
    }
}
