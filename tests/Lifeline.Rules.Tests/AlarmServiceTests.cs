using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Rules.Tests;

public sealed class AlarmServiceTests
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private const string Gas3 = "test-rd-trunk-gas-z003-ctl";
    private const string Plant = TestRegistry.PlantDevice;
    private const string Operator = "op.li";

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly (string Device, string Channel, ThresholdRule Rule)[] Sensors =
    [
        (Gas1, "o2", TestRegistry.O2LowL2),
        (Gas2, "o2", TestRegistry.O2LowL2),
        (Gas3, "o2", TestRegistry.O2LowL2),
        (Gas1, "ch4", TestRegistry.Ch4HighL1),
        (Gas2, "temp", TestRegistry.TempHigh),
        (Gas3, "intrusion", TestRegistry.IntrusionRule),
        (Plant, "cod", TestRegistry.CodHigh),
    ];

    private readonly AssetRegistry _registry = TestRegistry.Create();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly RecordingObserver _observer = new();

    private AlarmService CreateSut(int capacity = 50_000, bool latch = false) =>
        new([_observer], _time, Microsoft.Extensions.Options.Options.Create(new AlarmOptions { ChangeLogCapacity = capacity, LatchLifeSafety = latch }));

    private RuleTransition Transition(RuleTransitionKind kind, string deviceId, string channelName, ThresholdRule rule, double value, DateTimeOffset? at = null)
    {
        _registry.TryGetDevice(deviceId, out var device).ShouldBeTrue();
        device!.TryGetChannel(channelName, out var channel).ShouldBeTrue();
        return new RuleTransition(kind, rule, device, channel!, value, at ?? _time.GetUtcNow());
    }

    private RuleTransition RaiseO2(double value = 17, string device = Gas1) => Transition(RuleTransitionKind.Raised, device, "o2", TestRegistry.O2LowL2, value);

    private RuleTransition ClearO2(double value = 20.9, string device = Gas1) => Transition(RuleTransitionKind.Cleared, device, "o2", TestRegistry.O2LowL2, value);

    [Fact]
    public void Apply_Raise_CreatesUnacknowledgedAlarmWithSeq1()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        sut.Apply(RaiseO2(17));

        // Assert
        var change = _observer.Changes.ShouldHaveSingleItem();
        change.ShouldBe(new AlarmDto
        {
            Seq = 1,
            Id = "A000001",
            State = "Unacknowledged",
            Priority = "Critical",
            Kind = "o2_low",
            RuleId = "o2.low.l2",
            SiteId = TestRegistry.Site,
            DeviceId = Gas1,
            SensorId = $"{Gas1}.o2",
            TunnelId = "test-rd-trunk",
            CabinId = "test-rd-trunk-gas",
            ZoneId = "test-rd-trunk-gas-z001",
            Location = "Test Rd trunk · gas cabin · zone 1",
            Value = 17,
            Limit = 18,
            Unit = "%vol",
            Message = "O₂ below 18 %vol: no entry",
            RaisedAt = T0,
            AcknowledgedAt = null,
            AcknowledgedBy = null,
            ClearedAt = null,
            ChangedAt = T0,
            Transition = "Raised",
            By = "system",
            ConditionActive = true,
            LifeSafety = true,
            Latching = false,
            Activations = 1,
        });
        sut.Seq.ShouldBe(1);
        sut.ActiveCount.ShouldBe(1);
        sut.ActiveIdsFor($"{Gas1}.o2").ShouldBe(["A000001"]);
        var snapshot = sut.Snapshot();
        snapshot.Seq.ShouldBe(1);
        snapshot.Alarms.ShouldHaveSingleItem().Id.ShouldBe("A000001");
    }

    [Fact]
    public void Snapshot_EachAlarmCarriesItsOwnLastTransition()
    {
        // Arrange: alarm 1 raised at T0 (seq 1), alarm 2 raised at T0+10 s (seq 2), alarm 1 acknowledged at T0+20 s (seq 3).
        var sut = CreateSut();
        sut.Apply(RaiseO2(device: Gas1));
        _time.Advance(TimeSpan.FromSeconds(10));
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas2, "o2", TestRegistry.O2LowL2, 17, T0.AddSeconds(10)));
        _time.Advance(TimeSpan.FromSeconds(10));
        sut.Acknowledge("A000001", Operator);
        _time.Advance(TimeSpan.FromMinutes(5));

        // Act
        var snapshot = sut.Snapshot();

        // Assert: not the global seq or the time of the call, but each alarm's own latest transition.
        snapshot.Seq.ShouldBe(3);
        var first = snapshot.Alarms.Single(a => a.Id == "A000001");
        var second = snapshot.Alarms.Single(a => a.Id == "A000002");
        first.Seq.ShouldBe(3);
        first.ChangedAt.ShouldBe(T0.AddSeconds(20));
        second.Seq.ShouldBe(2);
        second.ChangedAt.ShouldBe(T0.AddSeconds(10));
    }

    [Fact]
    public void Acknowledge_Again_ReturnsTheAlarmAsItsAcknowledgementPublishedIt()
    {
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        var (_, acked) = sut.Acknowledge("A000001", Operator);
        sut.Apply(RaiseO2(device: Gas2));

        var (outcome, again) = sut.Acknowledge("A000001", "someone.else");

        outcome.ShouldBe(AlarmActionOutcome.Unchanged);
        again.ShouldBe(acked);
        again!.AcknowledgedBy.ShouldBe(Operator);
    }

    [Fact]
    public void Apply_BooleanRule_HasNoLimit()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas1, "intrusion", TestRegistry.IntrusionRule, 1));

        // Assert
        var change = _observer.Changes.ShouldHaveSingleItem();
        change.Limit.ShouldBeNull();
        change.Priority.ShouldBe("High");
        change.Unit.ShouldBe(string.Empty);
    }

    [Fact]
    public void Acknowledge_UnacknowledgedAlarm_BecomesAcknowledgedWithUserTimeAndSeq2()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        _time.Advance(TimeSpan.FromSeconds(30));

        // Act
        var (outcome, alarm) = sut.Acknowledge("A000001", Operator);

        // Assert
        outcome.ShouldBe(AlarmActionOutcome.Done);
        alarm.ShouldNotBeNull();
        alarm.Seq.ShouldBe(2);
        alarm.State.ShouldBe("Acknowledged");
        alarm.AcknowledgedBy.ShouldBe(Operator);
        alarm.AcknowledgedAt.ShouldBe(T0.AddSeconds(30));
        alarm.ChangedAt.ShouldBe(T0.AddSeconds(30));
        alarm.RaisedAt.ShouldBe(T0);
        _observer.Changes.Count.ShouldBe(2);
        _observer.Changes[1].ShouldBe(alarm);
        sut.Seq.ShouldBe(2);
        sut.Snapshot().Alarms.ShouldHaveSingleItem().State.ShouldBe("Acknowledged");
    }

    [Fact]
    public void Apply_ClearAfterAck_BecomesNormalAndLeavesTheSnapshot()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Operator);
        _time.Advance(TimeSpan.FromMinutes(2));

        // Act
        sut.Apply(ClearO2(19));

        // Assert
        var change = _observer.Changes[^1];
        change.Seq.ShouldBe(3);
        change.Id.ShouldBe("A000001");
        change.State.ShouldBe("Normal");
        change.Value.ShouldBe(19);
        change.ClearedAt.ShouldBe(T0.AddMinutes(2));
        change.AcknowledgedBy.ShouldBe(Operator);
        sut.Snapshot().Alarms.ShouldBeEmpty();
        sut.Snapshot().Seq.ShouldBe(3);
        sut.ActiveCount.ShouldBe(0);
        sut.ActiveIdsFor($"{Gas1}.o2").ShouldBeEmpty();
        sut.Acknowledge("A000001", Operator).Outcome.ShouldBe(AlarmActionOutcome.NotFound);
    }

    [Fact]
    public void Apply_ClearBeforeAck_BecomesReturnedUnacknowledgedAndStaysInSnapshot()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        _time.Advance(TimeSpan.FromSeconds(10));

        // Act
        sut.Apply(ClearO2(20.5));

        // Assert
        var change = _observer.Changes[^1];
        change.Seq.ShouldBe(2);
        change.State.ShouldBe("ReturnedUnacknowledged");
        change.ClearedAt.ShouldBe(T0.AddSeconds(10));
        change.Value.ShouldBe(20.5);
        var alarm = sut.Snapshot().Alarms.ShouldHaveSingleItem();
        alarm.Id.ShouldBe("A000001");
        alarm.State.ShouldBe("ReturnedUnacknowledged");
        sut.ActiveCount.ShouldBe(1);
    }

    [Fact]
    public void Acknowledge_ReturnedUnacknowledged_BecomesNormalAndLeavesTheSnapshot()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.Apply(ClearO2());
        _time.Advance(TimeSpan.FromSeconds(5));

        // Act
        var (outcome, alarm) = sut.Acknowledge("A000001", Operator);

        // Assert
        outcome.ShouldBe(AlarmActionOutcome.Done);
        alarm.ShouldNotBeNull();
        alarm.Seq.ShouldBe(3);
        alarm.State.ShouldBe("Normal");
        alarm.AcknowledgedBy.ShouldBe(Operator);
        alarm.AcknowledgedAt.ShouldBe(T0.AddSeconds(5));
        sut.Snapshot().Alarms.ShouldBeEmpty();
        sut.ActiveCount.ShouldBe(0);
    }

    [Fact]
    public void Apply_RaiseWhileReturnedUnacknowledged_BecomesUnacknowledgedWithTheSameId()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2(17));
        sut.Apply(ClearO2(20));
        _time.Advance(TimeSpan.FromSeconds(20));

        // Act
        sut.Apply(RaiseO2(16.5));

        // Assert
        var change = _observer.Changes[^1];
        change.Seq.ShouldBe(3);
        change.Id.ShouldBe("A000001");
        change.State.ShouldBe("Unacknowledged");
        change.Value.ShouldBe(16.5);
        change.ClearedAt.ShouldBeNull();
        change.ChangedAt.ShouldBe(T0.AddSeconds(20));
        sut.Snapshot().Alarms.ShouldHaveSingleItem().Id.ShouldBe("A000001");
    }

    [Fact]
    public void Apply_RaiseAfterAlarmIsOver_CreatesANewAlarm()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Operator);
        sut.Apply(ClearO2());

        // Act
        sut.Apply(RaiseO2(15));

        // Assert
        var change = _observer.Changes[^1];
        change.Seq.ShouldBe(4);
        change.Id.ShouldBe("A000002");
        change.State.ShouldBe("Unacknowledged");
        change.AcknowledgedBy.ShouldBeNull();
    }

    [Fact]
    public void Apply_RaiseWhileActive_ChangesNothing()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2(17));

        // Act
        sut.Apply(RaiseO2(16));
        sut.Acknowledge("A000001", Operator);
        sut.Apply(RaiseO2(15));

        // Assert
        sut.Seq.ShouldBe(2);
        _observer.Changes.Select(c => c.State).ShouldBe(["Unacknowledged", "Acknowledged"]);
    }

    [Fact]
    public void Apply_ClearWithoutActiveAlarm_ChangesNothing()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        sut.Apply(ClearO2());
        sut.Apply(RaiseO2());
        sut.Apply(ClearO2());
        sut.Apply(ClearO2()); // already ReturnedUnacknowledged

        // Assert
        sut.Seq.ShouldBe(2);
        _observer.Changes.Select(c => c.State).ShouldBe(["Unacknowledged", "ReturnedUnacknowledged"]);
    }

    [Fact]
    public void Apply_List_AppliesInOrder()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        sut.Apply([RaiseO2(17, Gas1), RaiseO2(16, Gas2), ClearO2(20, Gas1)]);

        // Assert
        _observer.Changes.Select(c => (c.Seq, c.Id, c.State)).ShouldBe(
        [
            (1L, "A000001", "Unacknowledged"),
            (2L, "A000002", "Unacknowledged"),
            (3L, "A000001", "ReturnedUnacknowledged"),
        ]);
    }

    [Fact]
    public void Acknowledge_Twice_ReturnsAlreadyAcknowledgedWithoutNewSeq()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Operator);
        _time.Advance(TimeSpan.FromMinutes(1));

        // Act
        var (outcome, alarm) = sut.Acknowledge("A000001", "op.wang");

        // Assert
        outcome.ShouldBe(AlarmActionOutcome.Unchanged);
        alarm.ShouldNotBeNull();
        alarm.State.ShouldBe("Acknowledged");
        alarm.AcknowledgedBy.ShouldBe(Operator);
        alarm.AcknowledgedAt.ShouldBe(T0);
        sut.Seq.ShouldBe(2);
        _observer.Changes.Count.ShouldBe(2);
        sut.GetChangesSince(0).Changes.Count.ShouldBe(2);
    }

    [Theory]
    [InlineData("A000002")]
    [InlineData("nope")]
    [InlineData("")]
    public void Acknowledge_UnknownId_ReturnsNotFound(string id)
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());

        // Act
        var (outcome, alarm) = sut.Acknowledge(id, Operator);

        // Assert
        outcome.ShouldBe(AlarmActionOutcome.NotFound);
        alarm.ShouldBeNull();
        sut.Seq.ShouldBe(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Acknowledge_WithoutUser_Throws(string? user)
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(RaiseO2());

        // Act / Assert
        Should.Throw<ArgumentException>(() => sut.Acknowledge("A000001", user!));
        sut.Seq.ShouldBe(1);
    }

    private enum Model
    {
        None,
        Unacknowledged,
        Acknowledged,
        ReturnedUnacknowledged,
    }

    [Fact]
    public void Seq_LongRandomSequence_IsConsecutiveAndMatchesAReferenceModel()
    {
        // Arrange
        var sut = CreateSut();
        var random = new Random(20260501);
        var state = new Model[Sensors.Length];
        var ids = new string?[Sensors.Length];
        var expectedChanges = 0;

        // Act
        for (var step = 0; step < 5000; step++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            var k = random.Next(Sensors.Length);
            var (device, channel, rule) = Sensors[k];
            var before = _observer.Changes.Count;
            var expectedState = (string?)null;
            switch (random.Next(3))
            {
                case 0:
                    sut.Apply(Transition(RuleTransitionKind.Raised, device, channel, rule, random.NextDouble() * 100));
                    if (state[k] is Model.None or Model.ReturnedUnacknowledged)
                    {
                        var isNew = state[k] == Model.None;
                        state[k] = Model.Unacknowledged;
                        expectedState = "Unacknowledged";
                        expectedChanges++;
                        var id = _observer.Changes[^1].Id;
                        if (isNew)
                        {
                            id.ShouldNotBe(ids[k]);
                        }
                        else
                        {
                            id.ShouldBe(ids[k]);
                        }

                        ids[k] = id;
                    }

                    break;
                case 1:
                    sut.Apply(Transition(RuleTransitionKind.Cleared, device, channel, rule, random.NextDouble() * 100));
                    if (state[k] is Model.Unacknowledged or Model.Acknowledged)
                    {
                        expectedState = state[k] == Model.Acknowledged ? "Normal" : "ReturnedUnacknowledged";
                        state[k] = state[k] == Model.Acknowledged ? Model.None : Model.ReturnedUnacknowledged;
                        expectedChanges++;
                    }

                    break;
                default:
                    var outcome = sut.Acknowledge(ids[k] ?? "A999999", $"op{random.Next(3)}").Outcome;
                    switch (state[k])
                    {
                        case Model.Unacknowledged:
                            outcome.ShouldBe(AlarmActionOutcome.Done);
                            state[k] = Model.Acknowledged;
                            expectedState = "Acknowledged";
                            expectedChanges++;
                            break;
                        case Model.ReturnedUnacknowledged:
                            outcome.ShouldBe(AlarmActionOutcome.Done);
                            state[k] = Model.None;
                            expectedState = "Normal";
                            expectedChanges++;
                            break;
                        case Model.Acknowledged:
                            outcome.ShouldBe(AlarmActionOutcome.Unchanged);
                            break;
                        default:
                            outcome.ShouldBe(AlarmActionOutcome.NotFound);
                            break;
                    }

                    break;
            }

            // Assert (per step)
            _observer.Changes.Count.ShouldBe(expectedChanges, $"step {step}");
            if (expectedState is not null)
            {
                _observer.Changes.Count.ShouldBe(before + 1);
                _observer.Changes[^1].State.ShouldBe(expectedState, $"step {step}");
                _observer.Changes[^1].SensorId.ShouldBe($"{device}.{channel}");
            }
        }

        // Assert (whole run)
        var changes = _observer.Changes;
        changes.Count.ShouldBeGreaterThan(1000);
        changes.Select(c => c.Seq).ShouldBe(Enumerable.Range(1, changes.Count).Select(i => (long)i));
        sut.Seq.ShouldBe(changes.Count);
        var log = sut.GetChangesSince(0);
        log.Truncated.ShouldBeFalse();
        log.Seq.ShouldBe(changes.Count);
        log.Changes.ShouldBe(changes);
        var snapshot = sut.Snapshot();
        snapshot.Seq.ShouldBe(changes.Count);
        snapshot.Alarms.Select(a => (a.SensorId, a.State)).OrderBy(x => x.SensorId).ShouldBe(
            Sensors.Select((s, i) => (SensorId: $"{s.Device}.{s.Channel}", State: state[i]))
                .Where(x => x.State != Model.None)
                .Select(x => (x.SensorId, x.State.ToString()))
                .OrderBy(x => x.SensorId));
    }

    private AlarmService WithChanges(int count, int capacity = 50_000)
    {
        var sut = CreateSut(capacity);
        for (var i = 0; i < count; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            sut.Apply(i % 2 == 0 ? RaiseO2(17 - (i * 0.01)) : ClearO2(20 + (i * 0.01)));
        }

        sut.Seq.ShouldBe(count);
        return sut;
    }

    [Fact]
    public void GetChangesSince_K_ReturnsExactlyTheLaterChangesInOrder()
    {
        // Arrange
        var sut = WithChanges(6);

        // Act
        var result = sut.GetChangesSince(2);

        // Assert
        result.Seq.ShouldBe(6);
        result.Truncated.ShouldBeFalse();
        result.Changes.Select(c => c.Seq).ShouldBe([3L, 4L, 5L, 6L]);
        result.Changes.ShouldBe(_observer.Changes.Skip(2));
        result.Changes.Select(c => c.State).ShouldBe(["Unacknowledged", "ReturnedUnacknowledged", "Unacknowledged", "ReturnedUnacknowledged"]);
    }

    [Fact]
    public void GetChangesSince_Zero_ReturnsEverything()
    {
        // Arrange
        var sut = WithChanges(3);

        // Act
        var result = sut.GetChangesSince(0);

        // Assert
        result.Changes.ShouldBe(_observer.Changes);
        result.Truncated.ShouldBeFalse();
    }

    [Fact]
    public void GetChangesSince_CurrentSeq_ReturnsEmpty()
    {
        // Arrange
        var sut = WithChanges(5);

        // Act
        var result = sut.GetChangesSince(5, sut.Epoch);

        // Assert
        result.Seq.ShouldBe(5);
        result.Epoch.ShouldBe(sut.Epoch);
        result.Truncated.ShouldBeFalse();
        result.Changes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(6)]
    [InlineData(1000)]
    public void GetChangesSince_BeyondCurrentSeq_IsTruncated_TheCallerSawARunThatRestarted(long since)
    {
        var sut = WithChanges(5);

        var result = sut.GetChangesSince(since);

        result.Seq.ShouldBe(5);
        result.Truncated.ShouldBeTrue();
        result.Changes.ShouldBeEmpty();
    }

    [Fact]
    public void GetChangesSince_AnotherEpoch_IsTruncated_EvenWhenTheSeqWouldFit()
    {
        // A client that saw seq 2 of a previous run: this run also has seq 2 and more, but they are other alarms.
        var sut = WithChanges(5);

        var result = sut.GetChangesSince(2, "previous-run");

        result.Truncated.ShouldBeTrue();
        result.Changes.ShouldBeEmpty();
        sut.GetChangesSince(2, sut.Epoch).Changes.Count.ShouldBe(3);
        new AlarmService([], _time).Epoch.ShouldNotBe(sut.Epoch);
        sut.Snapshot().Epoch.ShouldBe(sut.Epoch);
    }

    [Fact]
    public void GetChangesSince_BeforeAnyChange_ReturnsEmpty()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        var result = sut.GetChangesSince(0);

        // Assert
        result.Seq.ShouldBe(0);
        result.Truncated.ShouldBeFalse();
        result.Changes.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(5)]
    public void GetChangesSince_OlderThanTheLogHolds_IsTruncated(long since)
    {
        // Arrange: capacity 4 and 10 changes → seqs 7..10 are held.
        var sut = WithChanges(10, capacity: 4);

        // Act
        var result = sut.GetChangesSince(since);

        // Assert
        result.Truncated.ShouldBeTrue();
        result.Changes.ShouldBeEmpty();
        result.Seq.ShouldBe(10);
    }

    [Theory]
    [InlineData(6, new long[] { 7, 8, 9, 10 })]
    [InlineData(8, new long[] { 9, 10 })]
    [InlineData(9, new long[] { 10 })]
    public void GetChangesSince_WithinTheSmallLog_ReturnsTheHeldChanges(long since, long[] expected)
    {
        // Arrange
        var sut = WithChanges(10, capacity: 4);

        // Act
        var result = sut.GetChangesSince(since);

        // Assert
        result.Truncated.ShouldBeFalse();
        result.Changes.Select(c => c.Seq).ShouldBe(expected);
        result.Changes.ShouldBe(_observer.Changes.Skip((int)since));
    }

    [Fact]
    public void GetChangesSince_MoreThanMax_IsTruncated()
    {
        // Arrange
        var sut = WithChanges(6);

        // Act
        var tooMany = sut.GetChangesSince(0, max: 5);
        var fits = sut.GetChangesSince(1, max: 5);

        // Assert
        tooMany.Truncated.ShouldBeTrue();
        tooMany.Changes.ShouldBeEmpty();
        fits.Truncated.ShouldBeFalse();
        fits.Changes.Select(c => c.Seq).ShouldBe([2L, 3L, 4L, 5L, 6L]);
    }

    [Fact]
    public void GetChangesSince_Negative_Throws()
    {
        // Arrange
        var sut = WithChanges(2);

        // Act / Assert
        Should.Throw<ArgumentOutOfRangeException>(() => sut.GetChangesSince(-1));
    }

    [Fact]
    public void Constructor_CapacityBelowOne_Throws()
    {
        // Act / Assert
        Should.Throw<ArgumentOutOfRangeException>(() => CreateSut(capacity: 0));
    }

    [Fact]
    public void Snapshot_SeveralAlarms_OrdersByPriorityThenNewestFirst()
    {
        // Arrange
        var sut = CreateSut();
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas1, "temp", TestRegistry.TempHigh, 45, T0)); // Medium
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas1, "o2", TestRegistry.O2LowL2, 17, T0.AddSeconds(1))); // Critical
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas1, "ch4", TestRegistry.Ch4HighL1, 22, T0.AddSeconds(2))); // High
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas2, "o2", TestRegistry.O2LowL2, 16, T0.AddSeconds(3))); // Critical
        sut.Apply(Transition(RuleTransitionKind.Raised, Gas3, "intrusion", TestRegistry.IntrusionRule, 1, T0.AddSeconds(4))); // High
        sut.Apply(Transition(RuleTransitionKind.Raised, Plant, "cod", TestRegistry.CodHigh, 60, T0.AddSeconds(5))); // Medium

        // Act
        var snapshot = sut.Snapshot();

        // Assert
        snapshot.Seq.ShouldBe(6);
        snapshot.Alarms.Select(a => a.SensorId).ShouldBe(
        [
            $"{Gas2}.o2",
            $"{Gas1}.o2",
            $"{Gas3}.intrusion",
            $"{Gas1}.ch4",
            $"{Plant}.cod",
            $"{Gas1}.temp",
        ]);
        snapshot.Alarms.Select(a => a.Priority).ShouldBe(["Critical", "Critical", "High", "High", "Medium", "Medium"]);
    }

    [Fact]
    public void Observers_EveryObserver_SeesEveryChangeInSeqOrder()
    {
        // Arrange
        var second = new RecordingObserver();
        var sut = new AlarmService([_observer, second], _time);

        // Act
        sut.Apply(RaiseO2());
        sut.Acknowledge("A000001", Operator);
        sut.Apply(ClearO2());

        // Assert
        _observer.Changes.Select(c => c.Seq).ShouldBe([1L, 2L, 3L]);
        second.Changes.ShouldBe(_observer.Changes);
    }

    [Fact]
    public void Seq_ConcurrentApplyAndAcknowledge_StaysConsecutiveAndUnique()
    {
        // Arrange
        var sut = CreateSut();
        var at = T0;

        // Act
        Parallel.For(0, 6000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var (device, channel, rule) = Sensors[i % Sensors.Length];
            switch (i / Sensors.Length % 3)
            {
                case 0:
                    sut.Apply(Transition(RuleTransitionKind.Raised, device, channel, rule, i, at));
                    break;
                case 1:
                    foreach (var id in sut.ActiveIdsFor($"{device}.{channel}"))
                    {
                        sut.Acknowledge(id, Operator);
                    }

                    break;
                default:
                    sut.Apply(Transition(RuleTransitionKind.Cleared, device, channel, rule, i, at));
                    break;
            }
        });

        // Assert
        var changes = _observer.Changes;
        changes.Count.ShouldBeGreaterThan(0);
        changes.Select(c => c.Seq).ShouldBe(Enumerable.Range(1, changes.Count).Select(i => (long)i));
        sut.Seq.ShouldBe(changes.Count);
        sut.GetChangesSince(0).Changes.ShouldBe(changes);
    }
}
