using FsCheck;
using FsCheck.Fluent;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Lifeline.Rules.Tests;

/// <summary>The ISA-18.2 states beyond the basic cycle: latched, shelved, suppressed by design, out of service.</summary>
public sealed class AlarmLifecycleTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private const string Zone1 = "test-rd-trunk-gas-z001";
    private const string Op = "op.li";
    private const string Engineer = "eng.wang";

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly ThresholdRule CommLoss = new()
    {
        Id = "device.comm-loss", SensorType = "comm", Kind = "comm loss", Direction = ThresholdDirection.OnFalse,
        Priority = AlarmPriority.High, Message = "Device not communicating",
    };

    private readonly AssetRegistry _registry = TestRegistry.Create();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly RecordingObserver _observer = new();

    private AlarmService CreateSut(AlarmOptions? options = null) => new([_observer], _time, MsOptions.Create(options ?? new AlarmOptions()));

    private RuleTransition T(RuleTransitionKind kind, string deviceId, string channelName, ThresholdRule rule, double value)
    {
        _registry.TryGetDevice(deviceId, out var device).ShouldBeTrue();
        var channel = channelName == "comm"
            ? new Channel("comm", new SensorType("comm", "Communication", string.Empty, ChannelKind.Boolean, 0, 1, string.Empty), 0, 1)
            : device!.Channels.Single(c => c.Name == channelName);
        return new RuleTransition(kind, rule, device!, channel, value, _time.GetUtcNow());
    }

    private RuleTransition RaiseO2(string device = Gas1) => T(RuleTransitionKind.Raised, device, "o2", TestRegistry.O2LowL2, 17);

    private RuleTransition ClearO2(string device = Gas1) => T(RuleTransitionKind.Cleared, device, "o2", TestRegistry.O2LowL2, 20.9);

    private RuleTransition RaiseTemp(string device = Gas1) => T(RuleTransitionKind.Raised, device, "temp", TestRegistry.TempHigh, 45);

    private RuleTransition ClearTemp(string device = Gas1) => T(RuleTransitionKind.Cleared, device, "temp", TestRegistry.TempHigh, 30);

    private AlarmDto Last => _observer.Changes[^1];

    [Fact]
    public void Latching_alarm_stays_after_it_clears_until_acknowledged_and_reset()
    {
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        Last.Latching.ShouldBeTrue();
        sut.Reset("A000001", Op).Error.ShouldBe("alarm 'A000001' cannot be reset: its condition is still active");

        sut.Apply(ClearO2());
        (Last.State, Last.Transition, Last.ConditionActive).ShouldBe(("ReturnedUnacknowledged", "Cleared", false));
        sut.Reset("A000001", Op).Error.ShouldBe("alarm 'A000001' cannot be reset before it is acknowledged");

        sut.Acknowledge("A000001", Op).Outcome.ShouldBe(AlarmActionOutcome.Done);
        (Last.State, Last.Transition, Last.By).ShouldBe(("Latched", "Acknowledged", Op));
        sut.ActiveCount.ShouldBe(1);

        var reset = sut.Reset("A000001", "op.zhao", "checked on site");
        reset.Outcome.ShouldBe(AlarmActionOutcome.Done);
        (Last.State, Last.Transition, Last.By, Last.Reason).ShouldBe(("Normal", "Reset", "op.zhao", "checked on site"));
        sut.ActiveCount.ShouldBe(0);
        _observer.Changes.Select(c => c.Seq).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public void Acknowledged_latching_alarm_latches_when_it_clears_and_a_return_needs_a_new_acknowledgement()
    {
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Op);
        sut.Apply(ClearO2());
        Last.State.ShouldBe("Latched");

        sut.Apply(RaiseO2());
        (Last.State, Last.Transition, Last.Activations, Last.AcknowledgedBy).ShouldBe(("Unacknowledged", "Reraised", 2, (string?)null));
        Last.Id.ShouldBe("A000001");
    }

    [Fact]
    public void Non_latching_alarm_is_not_resettable()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Acknowledge("A000001", Op);
        sut.Reset("A000001", Op).Error.ShouldBe("alarm 'A000001' cannot be reset: its condition is still active");
        sut.Apply(ClearTemp());
        Last.State.ShouldBe("Normal");
        sut.Reset("A000001", Op).Outcome.ShouldBe(AlarmActionOutcome.NotFound);
    }

    [Fact]
    public void Latching_can_be_turned_off()
    {
        var sut = CreateSut(new AlarmOptions { LatchLifeSafety = false });
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Op);
        sut.Apply(ClearO2());
        (Last.State, Last.Latching, Last.LifeSafety).ShouldBe(("Normal", false, true));
    }

    [Fact]
    public void Shelving_needs_a_reason_and_a_bounded_time_and_refuses_life_safety_alarms()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Apply(RaiseO2());
        var before = _observer.Changes.Count;

        sut.Shelve("A000001", Op, " ", TimeSpan.FromMinutes(30)).Error.ShouldBe("a reason is required to shelve an alarm");
        sut.Shelve("A000001", Op, "sensor drift known", TimeSpan.FromHours(9)).Error
            .ShouldBe("shelve time must be more than 0 and at most 8:00:00 (Alarms:MaxShelveTime); got 9:00:00");
        sut.Shelve("A000001", Op, "sensor drift known", TimeSpan.Zero).Outcome.ShouldBe(AlarmActionOutcome.Refused);
        sut.Shelve("A000002", Op, "nuisance", TimeSpan.FromMinutes(30)).Error
            .ShouldBe("alarm 'A000002' is a life-safety alarm (o2_low) and may not be shelved (Alarms:AllowShelvingLifeSafety)");
        sut.Shelve("A999999", Op, "x", TimeSpan.FromMinutes(1)).Outcome.ShouldBe(AlarmActionOutcome.NotFound);
        _observer.Changes.Count.ShouldBe(before);

        var shelved = sut.Shelve("A000001", Op, "sensor drift known, crew on the way", TimeSpan.FromMinutes(30));
        shelved.Outcome.ShouldBe(AlarmActionOutcome.Done);
        (Last.State, Last.Transition, Last.By, Last.Reason, Last.ShelvedUntil, Last.ShelvedBy)
            .ShouldBe(("Shelved", "Shelved", Op, "sensor drift known, crew on the way", T0.AddMinutes(30), Op));
    }

    [Fact]
    public void A_shelved_alarm_is_unshelved_when_its_time_is_up()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Shelve("A000001", Op, "known fault", TimeSpan.FromMinutes(30));

        _time.Advance(TimeSpan.FromMinutes(29));
        Last.Transition.ShouldBe("Shelved");
        _time.Advance(TimeSpan.FromMinutes(1));

        (Last.State, Last.Transition, Last.By, Last.Reason, Last.ShelvedUntil).ShouldBe(("Unacknowledged", "ShelveExpired", "system", "shelve time is up", (DateTimeOffset?)null));
        Last.ChangedAt.ShouldBe(T0.AddMinutes(30));
    }

    [Fact]
    public void Condition_changes_while_shelved_are_recorded_but_not_annunciated_and_the_alarm_ends_with_the_shelf()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Acknowledge("A000001", Op);
        sut.Shelve("A000001", Op, "maintenance of the fan", TimeSpan.FromMinutes(10));

        sut.Apply(ClearTemp());
        (Last.State, Last.Transition, Last.ConditionActive).ShouldBe(("Shelved", "Cleared", false));
        sut.ActiveCount.ShouldBe(1);

        _time.Advance(TimeSpan.FromMinutes(10));
        (Last.State, Last.Transition).ShouldBe(("Normal", "ShelveExpired"));
        sut.ActiveCount.ShouldBe(0);
    }

    [Fact]
    public void Unshelve_by_hand_ends_the_shelf_and_cancels_its_timer()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Shelve("A000001", Op, "known", TimeSpan.FromMinutes(10));
        sut.Unshelve("A000001", "op.zhao", "crew finished").Outcome.ShouldBe(AlarmActionOutcome.Done);
        (Last.State, Last.Transition, Last.By, Last.Reason).ShouldBe(("Unacknowledged", "Unshelved", "op.zhao", "crew finished"));
        var count = _observer.Changes.Count;

        _time.Advance(TimeSpan.FromMinutes(20));
        _observer.Changes.Count.ShouldBe(count);
        sut.Unshelve("A000001", Op).Outcome.ShouldBe(AlarmActionOutcome.Unchanged);
    }

    [Fact]
    public void Comm_loss_suppresses_the_device_s_other_alarms_and_releases_them_when_it_clears()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Apply(RaiseTemp(Gas2));

        sut.Apply(T(RuleTransitionKind.Raised, Gas1, "comm", CommLoss, 0));
        var changes = _observer.Changes;
        (changes[^2].Id, changes[^2].State, changes[^2].Transition).ShouldBe(("A000003", "Unacknowledged", "Raised"));
        (Last.Id, Last.State, Last.Transition, Last.By, Last.Suppression).ShouldBe(("A000001", "Suppressed", "Suppressed", "system", $"device {Gas1} is not communicating"));
        sut.Find("A000002")!.State.ShouldBe("Unacknowledged");

        // A new alarm of the silent device starts suppressed: it cannot be trusted and must not flood.
        sut.Apply(RaiseO2());
        (Last.Id, Last.State, Last.Transition).ShouldBe(("A000004", "Suppressed", "Raised"));

        sut.Apply(T(RuleTransitionKind.Cleared, Gas1, "comm", CommLoss, 1));
        var released = _observer.Changes.Where(c => c.Transition == "Unsuppressed").ToList();
        released.Select(c => (c.Id, c.State)).OrderBy(x => x.Id).ShouldBe([("A000001", "Unacknowledged"), ("A000004", "Unacknowledged")]);
    }

    [Fact]
    public void Zone_maintenance_suppresses_its_alarms_except_life_safety_until_it_ends_by_itself()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Apply(RaiseO2());
        sut.Apply(RaiseTemp(Gas2));

        sut.SetZoneMaintenance(Zone1, Engineer, "replacing cable trays", T0.AddHours(2));
        sut.Find("A000001")!.State.ShouldBe("Suppressed");
        sut.Find("A000001")!.Suppression.ShouldBe($"zone {Zone1} under maintenance: replacing cable trays ({Engineer})");
        sut.Find("A000002")!.State.ShouldBe("Unacknowledged", "life-safety alarms stay for the people in the zone");
        sut.Find("A000003")!.State.ShouldBe("Unacknowledged", "another zone");
        sut.Scopes().ShouldHaveSingleItem().ShouldBe(new AlarmScopeDto
        {
            Kind = AlarmScopeDto.ZoneMaintenance, Id = Zone1, Active = true, By = Engineer, Reason = "replacing cable trays", At = T0, Until = T0.AddHours(2),
        });

        _time.Advance(TimeSpan.FromHours(2));
        (Last.Id, Last.State, Last.Transition, Last.By, Last.Reason).ShouldBe(("A000001", "Unacknowledged", "Unsuppressed", "system", "scheduled end"));
        sut.Scopes().ShouldBeEmpty();
    }

    [Fact]
    public void A_sensor_out_of_service_holds_all_its_alarms_and_one_cleared_meanwhile_is_over_on_return()
    {
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.RemoveFromService($"{Gas1}.o2", Engineer, "sensor replaced, calibrating");
        (Last.State, Last.Transition, Last.Suppression).ShouldBe(("OutOfService", "RemovedFromService", $"sensor out of service: sensor replaced, calibrating ({Engineer})"));

        sut.Apply(ClearO2());
        sut.Acknowledge("A000001", Op);
        Last.State.ShouldBe("OutOfService");

        sut.ReturnToService($"{Gas1}.o2", Engineer, "calibrated");
        (Last.State, Last.Transition, Last.By).ShouldBe(("Latched", "ReturnedToService", Engineer));
        sut.Reset("A000001", Op).Outcome.ShouldBe(AlarmActionOutcome.Done);
        sut.ActiveCount.ShouldBe(0);
    }

    [Fact]
    public void Capture_and_restore_give_the_identical_state_and_timers_carry_on()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000002", Op);
        sut.Shelve("A000001", Op, "known", TimeSpan.FromMinutes(30));
        sut.SetZoneMaintenance("test-rd-trunk-gas-z002", Engineer, "works", null);
        var state = sut.CaptureState();
        var snapshot = sut.Snapshot();
        sut.Dispose();

        var observer = new RecordingObserver();
        using var restored = new AlarmService([observer], _time, MsOptions.Create(new AlarmOptions()));
        restored.Restore(state);
        restored.Snapshot().ShouldBe(snapshot, new SnapshotComparer());
        restored.Scopes().ShouldBe(sut.Scopes());
        restored.Epoch.ShouldBe(sut.Epoch);

        _time.Advance(TimeSpan.FromMinutes(30));
        observer.Changes.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            c => c.Seq.ShouldBe(state.Seq + 1),
            c => c.Transition.ShouldBe("ShelveExpired"));

        restored.Apply(RaiseTemp(Gas2));
        observer.Changes[^1].Id.ShouldBe("A000003");
        observer.Changes[^1].State.ShouldBe("Suppressed");
    }

    [Fact]
    public void Clearing_conditions_whose_source_lost_its_state_records_why_and_keeps_what_is_owed()
    {
        var sut = CreateSut();
        sut.Apply(RaiseTemp());
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Op);

        sut.ClearConditions(a => a.Kind == "temp_high", "source restarted").ShouldBe(1);
        (Last.Id, Last.State, Last.Transition, Last.By, Last.Reason).ShouldBe(("A000001", "Normal", "Cleared", "system", "source restarted"));
        sut.Find("A000002")!.State.ShouldBe("Unacknowledged");
        sut.ClearConditions(a => a.Kind == "temp_high", "again").ShouldBe(0);
    }

    /// <summary>
    /// Any sequence of rule transitions and actions keeps every alarm in a state its facts allow, numbers transitions
    /// 1, 2, 3…, keeps only alarms that are not over, and restores to the same state.
    /// </summary>
    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property No_sequence_of_events_reaches_an_invalid_state()
    {
        var step = Gen.Choose(0, 12).Zip(Gen.Choose(0, 2)).Zip(Gen.Choose(1, 40));
        return Prop.ForAll(Arb.From(Gen.ListOf(step)), steps =>
        {
            var time = new FakeTimeProvider(T0);
            var observer = new RecordingObserver();
            using var sut = new AlarmService([observer], time, MsOptions.Create(new AlarmOptions()));
            string[] devices = [Gas1, Gas2];
            foreach (var ((action, target), minutes) in steps)
            {
                var device = devices[target % 2];
                var id = $"A{1 + (minutes % 6):D6}";
                switch (action)
                {
                    case 0: sut.Apply(T2(RuleTransitionKind.Raised, device, "o2", TestRegistry.O2LowL2, 17)); break;
                    case 1: sut.Apply(T2(RuleTransitionKind.Cleared, device, "o2", TestRegistry.O2LowL2, 21)); break;
                    case 2: sut.Apply(T2(RuleTransitionKind.Raised, device, "temp", TestRegistry.TempHigh, 45)); break;
                    case 3: sut.Apply(T2(RuleTransitionKind.Cleared, device, "temp", TestRegistry.TempHigh, 30)); break;
                    case 4: sut.Acknowledge(id, Op); break;
                    case 5: sut.Reset(id, Op); break;
                    case 6: sut.Shelve(id, Op, "r", TimeSpan.FromMinutes(minutes)); break;
                    case 7: sut.Unshelve(id, Op); break;
                    case 8: sut.Apply(T2(target == 2 ? RuleTransitionKind.Cleared : RuleTransitionKind.Raised, device, "comm", CommLoss, 0)); break;
                    case 9: sut.SetZoneMaintenance(Zone1, Engineer, "m", target == 0 ? null : time.GetUtcNow().AddMinutes(minutes)); break;
                    case 10: sut.EndZoneMaintenance(Zone1, Engineer, "done"); break;
                    case 11: _ = target == 0 ? sut.RemoveFromService($"{device}.temp", Engineer, "oos") : sut.ReturnToService($"{device}.temp", Engineer, "back"); break;
                    default: time.Advance(TimeSpan.FromMinutes(minutes)); break;
                }
            }

            var changes = observer.Changes;
            changes.Select(c => c.Seq).ShouldBe(Enumerable.Range(1, changes.Count).Select(i => (long)i));
            foreach (var c in changes)
            {
                CheckConsistent(c);
            }

            var snapshot = sut.Snapshot();
            snapshot.Alarms.ShouldAllBe(a => a.State != "Normal");
            var latest = changes.GroupBy(c => c.Id).Select(g => g.Last()).Where(c => c.State != "Normal").OrderBy(c => c.Id).ToList();
            snapshot.Alarms.OrderBy(a => a.Id).ShouldBe(latest);
            using var restored = new AlarmService([], time, MsOptions.Create(new AlarmOptions()));
            restored.Restore(sut.CaptureState());
            restored.Snapshot().ShouldBe(snapshot, new SnapshotComparer());
            return true;

            RuleTransition T2(RuleTransitionKind kind, string deviceId, string channelName, ThresholdRule rule, double value)
            {
                _registry.TryGetDevice(deviceId, out var d).ShouldBeTrue();
                var channel = channelName == "comm"
                    ? new Channel("comm", new SensorType("comm", "Communication", string.Empty, ChannelKind.Boolean, 0, 1, string.Empty), 0, 1)
                    : d!.Channels.Single(c => c.Name == channelName);
                return new RuleTransition(kind, rule, d!, channel, value, time.GetUtcNow());
            }
        });
    }

    private static void CheckConsistent(AlarmDto c)
    {
        var state = Enum.Parse<AlarmState>(c.State);
        var acked = c.AcknowledgedAt is not null;
        (c.AcknowledgedBy is not null).ShouldBe(acked, $"seq {c.Seq}");
        switch (state)
        {
            case AlarmState.Unacknowledged: (c.ConditionActive, acked).ShouldBe((true, false), $"seq {c.Seq}"); break;
            case AlarmState.Acknowledged: (c.ConditionActive, acked).ShouldBe((true, true), $"seq {c.Seq}"); break;
            case AlarmState.ReturnedUnacknowledged: (c.ConditionActive, acked).ShouldBe((false, false), $"seq {c.Seq}"); break;
            case AlarmState.Latched: (c.ConditionActive, acked, c.Latching).ShouldBe((false, true, true), $"seq {c.Seq}"); break;
            case AlarmState.Normal: c.ConditionActive.ShouldBeFalse($"seq {c.Seq}"); break;
            case AlarmState.Shelved: c.ShelvedUntil.ShouldNotBeNull($"seq {c.Seq}"); break;
            case AlarmState.Suppressed:
            case AlarmState.OutOfService: c.Suppression.ShouldNotBeNull($"seq {c.Seq}"); break;
        }

        if (c.ShelvedUntil is not null)
        {
            c.LifeSafety.ShouldBeFalse($"seq {c.Seq}: life-safety alarms are not shelvable by default");
            c.ShelvedUntil.Value.ShouldBeGreaterThan(c.ChangedAt, $"seq {c.Seq}");
        }
    }

    /// <summary>Snapshots are equal when they hold the same alarms in the same order with the same seq.</summary>
    private sealed class SnapshotComparer : IEqualityComparer<AlarmSnapshot>
    {
        public bool Equals(AlarmSnapshot? x, AlarmSnapshot? y) =>
            x is not null && y is not null && x.Epoch == y.Epoch && x.Seq == y.Seq && x.Alarms.SequenceEqual(y.Alarms);

        public int GetHashCode(AlarmSnapshot obj) => obj.Seq.GetHashCode();
    }
}
