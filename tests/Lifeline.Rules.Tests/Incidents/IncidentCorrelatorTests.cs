using Lifeline.Alarms;
using Lifeline.Alarms.Incidents;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Microsoft.Extensions.Time.Testing;
using static Lifeline.Rules.Tests.Incidents.IncidentTestRegistry;

namespace Lifeline.Rules.Tests.Incidents;

public sealed class IncidentCorrelatorTests : IDisposable
{
    public void Dispose() => _alarms?.Dispose();

    private const string Operator = "op.wang";

    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly AssetRegistry _registry = Create();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly RecordingIncidentObserver _observer = new();
    private AlarmService _alarms = null!;

    private IncidentCorrelator CreateSut(IncidentOptions? options = null)
    {
        var sut = new IncidentCorrelator(_registry, [_observer], _time, options);
        _alarms?.Dispose();
        _alarms = new AlarmService([sut], _time, Microsoft.Extensions.Options.Options.Create(new AlarmOptions { LatchLifeSafety = false }));
        return sut;
    }

    private void At(TimeSpan sinceT0) => _time.SetUtcNow(T0 + sinceT0);

    private static TimeSpan Min(double minutes) => TimeSpan.FromMinutes(minutes);

    private void Raise(string device, ThresholdRule rule, double value) => Apply(RuleTransitionKind.Raised, device, rule, value);

    private void Clear(string device, ThresholdRule rule, double value) => Apply(RuleTransitionKind.Cleared, device, rule, value);

    private void Apply(RuleTransitionKind kind, string deviceId, ThresholdRule rule, double value)
    {
        _registry.TryGetDevice(deviceId, out var device).ShouldBeTrue();
        Channel? channel = IncidentTestRegistry.CommChannel;
        if (rule != CommLoss)
        {
            device!.TryGetChannel(rule.SensorType, out channel).ShouldBeTrue();
        }

        _alarms.Apply(new RuleTransition(kind, rule, device!, channel!, value, _time.GetUtcNow()));
    }

    private void Ack(string alarmId) => _alarms.Acknowledge(alarmId, Operator).Outcome.ShouldBe(AlarmActionOutcome.Done);

    private static void ShouldList(IncidentDto incident, params (string Id, string State, bool Dependant)[] alarms) =>
        incident.Alarms.Select(a => (a.Id, a.State, a.Dependant)).ShouldBe(alarms);

    private void ChangesShouldBeInSeqOrder()
    {
        var seqs = _observer.Changes.Select(c => c.Seq).ToList();
        seqs.ShouldBe(Enumerable.Range(1, seqs.Count).Select(i => (long)i).ToList());
    }

    [Fact]
    public void GasSpread_Ch4RisingThroughZones3To5_IsOneIncidentWithFirstOutAndDirection()
    {
        // Arrange
        var sut = CreateSut();

        // Act: CH₄ in zone 3, then zone 4, zone 3 escalates to level 2, then zone 5.
        Raise(Gas(3), Ch4L1, 22);           // A000001
        At(Min(2));
        Raise(Gas(4), Ch4L1, 21);           // A000002
        At(Min(3));
        Raise(Gas(3), Ch4L2, 27);           // A000003
        At(Min(5));
        Raise(Gas(5), Ch4L1, 20.5);         // A000004

        // Assert
        _observer.Changes.Select(c => c.Id).ShouldBe(["I000001", "I000001", "I000001", "I000001"]);
        ChangesShouldBeInSeqOrder();
        var snapshot = sut.Snapshot();
        snapshot.Seq.ShouldBe(4);
        snapshot.RecentlyClosed.ShouldBeEmpty();
        var incident = snapshot.Open.ShouldHaveSingleItem();
        incident.Id.ShouldBe("I000001");
        incident.Seq.ShouldBe(4);
        incident.State.ShouldBe("Open");
        incident.Kind.ShouldBe("ch4_high");
        incident.SiteId.ShouldBe(SiteId);
        incident.TunnelId.ShouldBe(TunnelId);
        incident.CabinId.ShouldBe(GasCabin);
        incident.DeviceId.ShouldBeNull();
        incident.Zones.ShouldBe([Zone(GasCabin, 3), Zone(GasCabin, 4), Zone(GasCabin, 5)]);
        incident.Direction.ShouldBe("IncreasingChainage");
        incident.FirstOutAlarmId.ShouldBe("A000001");
        ShouldList(incident, ("A000001", "Unacknowledged", false), ("A000002", "Unacknowledged", false), ("A000003", "Unacknowledged", false), ("A000004", "Unacknowledged", false));
        incident.Alarms.Select(a => (a.RuleId, a.ZoneId, a.Priority)).ShouldBe(
        [
            ("ch4.high.l1", Zone(GasCabin, 3), "High"),
            ("ch4.high.l1", Zone(GasCabin, 4), "High"),
            ("ch4.high.l2", Zone(GasCabin, 3), "Critical"),
            ("ch4.high.l1", Zone(GasCabin, 5), "High"),
        ]);
        incident.ActiveAlarms.ShouldBe(4);
        incident.OmittedAlarms.ShouldBe(0);
        incident.Priority.ShouldBe("Critical");
        incident.OpenedAt.ShouldBe(T0);
        incident.ClosedAt.ShouldBeNull();
        incident.MergedInto.ShouldBeNull();
        incident.Location.ShouldBe("Inc Rd trunk · gas cabin · zones 3–5 (K0+400–K1+000)");
        incident.ChangedAt.ShouldBe(T0 + Min(5));
        sut.Find("I000001").ShouldBe(incident);
        sut.OpenCount.ShouldBe(1);
        sut.Faults.ShouldBe(0);
    }

    [Theory]
    [InlineData(new[] { 5, 4, 3 }, "DecreasingChainage")]
    [InlineData(new[] { 4, 3, 5 }, "Both")]
    [InlineData(new[] { 4, 5, 6 }, "IncreasingChainage")]
    [InlineData(new[] { 4 }, "None")]
    public void GasSpread_OrderOfZones_GivesZoneOrderAndDirection(int[] zones, string direction)
    {
        // Arrange
        var sut = CreateSut();

        // Act
        for (var i = 0; i < zones.Length; i++)
        {
            At(Min(i));
            Raise(Gas(zones[i]), Ch4L1, 22);
        }

        // Assert
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.Zones.ShouldBe(zones.Select(z => Zone(GasCabin, z)).ToList());
        incident.Direction.ShouldBe(direction);
        incident.FirstOutAlarmId.ShouldBe("A000001");
    }

    [Fact]
    public void GasSpread_OneZone_LocationIsTheAlarmsOwn()
    {
        // Arrange
        var sut = CreateSut();

        // Act
        Raise(Gas(6), Ch4L1, 22);
        Raise(Gas(6), Ch4L2, 26);

        // Assert
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.Zones.ShouldBe([Zone(GasCabin, 6)]);
        incident.Direction.ShouldBe("None");
        incident.Location.ShouldBe("Inc Rd trunk · gas cabin · zone 6 (K1+000–K1+200)");
        incident.Priority.ShouldBe("Critical");
    }

    [Fact]
    public void NonAdjacentZones_AreSeparateIncidents_UntilTheZoneBetweenConnectsThem()
    {
        // Arrange
        var sut = CreateSut();

        // Act 1: zones 1 and 3 are not neighbours.
        Raise(Gas(1), Ch4L1, 22);           // A000001 → I000001
        At(Min(1));
        Raise(Gas(3), Ch4L1, 22);           // A000002 → I000002

        // Assert 1
        var open = sut.Snapshot().Open;
        open.Select(i => (i.Id, i.FirstOutAlarmId, string.Join(",", i.Zones))).ShouldBe(
            [("I000002", "A000002", Zone(GasCabin, 3)), ("I000001", "A000001", Zone(GasCabin, 1))]);

        // Act 2: zone 2 touches both: one incident, the earlier one.
        At(Min(2));
        Raise(Gas(2), Ch4L1, 22);           // A000003

        // Assert 2
        var changes = _observer.Changes;
        changes.Select(c => (c.Seq, c.Id, c.State)).ShouldBe(
            [(1, "I000001", "Open"), (2, "I000002", "Open"), (3, "I000001", "Open"), (4, "I000002", "Closed")]);
        var snapshot = sut.Snapshot();
        var incident = snapshot.Open.ShouldHaveSingleItem();
        incident.Id.ShouldBe("I000001");
        incident.FirstOutAlarmId.ShouldBe("A000001");
        incident.Zones.ShouldBe([Zone(GasCabin, 1), Zone(GasCabin, 3), Zone(GasCabin, 2)]);
        incident.Direction.ShouldBe("IncreasingChainage");
        ShouldList(incident, ("A000001", "Unacknowledged", false), ("A000002", "Unacknowledged", false), ("A000003", "Unacknowledged", false));
        incident.Location.ShouldBe("Inc Rd trunk · gas cabin · zones 1–3 (K0+000–K0+600)");
        var merged = snapshot.RecentlyClosed.ShouldHaveSingleItem();
        merged.Id.ShouldBe("I000002");
        merged.State.ShouldBe("Closed");
        merged.MergedInto.ShouldBe("I000001");
        merged.ClosedAt.ShouldBe(T0 + Min(2));
        sut.Find("I000002").ShouldBe(merged);
    }

    [Fact]
    public void SameZoneIndex_InDifferentCabins_AreSeparateIncidents()
    {
        // Arrange
        var sut = CreateSut();

        // Act: gas zone 3 and sewage zones 3 and 4 (the same chainage, another cabin).
        Raise(Gas(3), Ch4L1, 22);
        Raise(Sewage(3), Ch4L1, 22);
        Raise(Sewage(4), Ch4L1, 22);

        // Assert
        var open = sut.Snapshot().Open.OrderBy(i => i.Id).ToList();
        open.Select(i => (i.Id, i.CabinId, string.Join(",", i.Zones))).ShouldBe(
        [
            ("I000001", GasCabin, Zone(GasCabin, 3)),
            ("I000002", SewageCabin, $"{Zone(SewageCabin, 3)},{Zone(SewageCabin, 4)}"),
        ]);
        open[1].Location.ShouldBe("Inc Rd trunk · sewage cabin · zones 3–4 (K0+400–K0+800)");
    }

    [Fact]
    public void DifferentParameter_InTheSameZone_IsASeparateIncident()
    {
        // Arrange
        var sut = CreateSut();

        // Act: CH₄ and O₂ in zone 3, then O₂ in zone 4.
        Raise(Gas(3), Ch4L1, 22);           // A000001
        Raise(Gas(3), O2Low, 17);           // A000002
        Raise(Gas(4), O2Low, 17.5);         // A000003

        // Assert
        var open = sut.Snapshot().Open.OrderBy(i => i.Id).ToList();
        open.Select(i => (i.Id, i.Kind, i.Priority, string.Join(",", i.Alarms.Select(a => a.Id)))).ShouldBe(
        [
            ("I000001", "ch4_high", "High", "A000001"),
            ("I000002", "o2_low", "Critical", "A000002,A000003"),
        ]);
    }

    [Theory]
    [InlineData(10 * 60, "I000001")]
    [InlineData((10 * 60) + 1, "I000002")]
    public void Window_CountsFromWhenTheAlarmCleared(int secondsAfterClear, string expected)
    {
        // Arrange: zone 3 raised, cleared a minute later but not acknowledged, so its incident stays open.
        var sut = CreateSut();
        Raise(Gas(3), Ch4L1, 22);
        At(Min(1));
        Clear(Gas(3), Ch4L1, 10);

        // Act
        At(Min(1) + TimeSpan.FromSeconds(secondsAfterClear));
        Raise(Gas(4), Ch4L1, 22);           // A000002

        // Assert
        var latest = _observer.Latest;
        latest["I000001"].State.ShouldBe("Open");
        latest[expected].Alarms.Select(a => a.Id).ShouldContain("A000002");
        sut.Snapshot().Open.Count.ShouldBe(expected == "I000001" ? 1 : 2);
    }

    [Fact]
    public void Window_Expired_NewAlarmInTheSameZoneOpensANewIncident()
    {
        // Arrange
        var sut = CreateSut();
        Raise(Gas(3), Ch4L1, 22);           // A000001
        At(Min(2));
        Clear(Gas(3), Ch4L1, 10);

        // Act: the level-2 alarm comes 20 min after the level-1 alarm cleared.
        At(Min(22));
        Raise(Gas(3), Ch4L2, 26);           // A000002

        // Assert
        var open = sut.Snapshot().Open;
        open.Select(i => (i.Id, i.FirstOutAlarmId, i.OpenedAt)).ShouldBe(
            [("I000002", "A000002", T0 + Min(22)), ("I000001", "A000001", T0)]);
        ShouldList(open[1], ("A000001", "ReturnedUnacknowledged", false));
    }

    [Fact]
    public void Window_AlarmStillActive_CorrelatesLaterSpreadAfterTheWindow()
    {
        // Arrange
        var sut = CreateSut();
        Raise(Gas(3), Ch4L1, 22);

        // Act: zone 3 is still in alarm 45 min later when zone 4 follows.
        At(Min(45));
        Raise(Gas(4), Ch4L1, 22);

        // Assert
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.Zones.ShouldBe([Zone(GasCabin, 3), Zone(GasCabin, 4)]);
    }

    [Fact]
    public void Close_WhenAllAlarmsAreOver_ClosesAndKeepsItRetrievable()
    {
        // Arrange
        var sut = CreateSut(new IncidentOptions { HistoryRetention = TimeSpan.FromHours(1) });
        Raise(Gas(3), Ch4L1, 22);           // A000001
        At(Min(1));
        Raise(Gas(4), Ch4L1, 22);           // A000002
        At(Min(4));
        Clear(Gas(3), Ch4L1, 10);
        Ack("A000001");                     // over
        At(Min(6));
        Ack("A000002");

        // Assert: still open while A000002 is in alarm.
        var open = sut.Find("I000001").ShouldNotBeNull();
        open.State.ShouldBe("Open");
        open.ActiveAlarms.ShouldBe(1);
        ShouldList(open, ("A000001", "Normal", false), ("A000002", "Acknowledged", false));

        // Act: the last alarm clears.
        At(Min(9));
        Clear(Gas(4), Ch4L1, 10);

        // Assert
        var closed = sut.Find("I000001").ShouldNotBeNull();
        closed.State.ShouldBe("Closed");
        closed.ClosedAt.ShouldBe(T0 + Min(9));
        closed.ChangedAt.ShouldBe(T0 + Min(9));
        closed.ActiveAlarms.ShouldBe(0);
        closed.MergedInto.ShouldBeNull();
        closed.Priority.ShouldBe("High");
        ShouldList(closed, ("A000001", "Normal", false), ("A000002", "Normal", false));
        var snapshot = sut.Snapshot();
        snapshot.Open.ShouldBeEmpty();
        snapshot.RecentlyClosed.ShouldHaveSingleItem().ShouldBe(closed);
        sut.OpenCount.ShouldBe(0);
        ChangesShouldBeInSeqOrder();

        // Act: a new alarm in the same zone, within the window, opens a new incident: closed is closed.
        At(Min(10));
        Raise(Gas(3), Ch4L1, 22);           // A000003

        // Assert
        var next = sut.Snapshot().Open.ShouldHaveSingleItem();
        next.Id.ShouldBe("I000002");
        next.FirstOutAlarmId.ShouldBe("A000003");

        // Act: retention runs out for the closed one.
        At(Min(9) + TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        // Assert
        sut.Find("I000001").ShouldBeNull();
        sut.Snapshot().RecentlyClosed.ShouldBeEmpty();
        sut.Find("I000002").ShouldNotBeNull();
    }

    [Fact]
    public void History_IsBoundedByCapacity()
    {
        // Arrange
        var sut = CreateSut(new IncidentOptions { HistoryCapacity = 2 });

        // Act: three incidents in turn, each raised, cleared and acknowledged.
        for (var i = 0; i < 3; i++)
        {
            At(Min(30 * i));
            Raise(Gas(2), Ch4L1, 22);
            Clear(Gas(2), Ch4L1, 10);
            Ack($"A{i + 1:D6}");
        }

        // Assert
        sut.Snapshot().RecentlyClosed.Select(i => (i.Id, i.FirstOutAlarmId, i.State)).ShouldBe(
            [("I000003", "A000003", "Closed"), ("I000002", "A000002", "Closed")]);
        sut.Find("I000001").ShouldBeNull();
        sut.Find("I000003").ShouldNotBeNull().ClosedAt.ShouldBe(T0 + Min(60));
        sut.Snapshot().Open.ShouldBeEmpty();
    }

    [Fact]
    public void CommLoss_GroupsTheDevicesAlarmsAsDependants()
    {
        // Arrange: CH₄ in zone 4 alone.
        var sut = CreateSut();
        Raise(Gas(4), Ch4L1, 22);           // A000001 → I000001

        // Act 1: zone 4's controller stops communicating.
        At(Min(1));
        Raise(Gas(4), CommLoss, 0);         // A000002 → I000002, takes A000001 as dependant

        // Assert 1
        var snapshot = sut.Snapshot();
        var incident = snapshot.Open.ShouldHaveSingleItem();
        incident.Id.ShouldBe("I000002");
        incident.Kind.ShouldBe("comm loss");
        incident.FirstOutAlarmId.ShouldBe("A000002");
        incident.Zones.ShouldBe([Zone(GasCabin, 4)]);
        ShouldList(incident, ("A000001", "Suppressed", true), ("A000002", "Unacknowledged", false));
        incident.OpenedAt.ShouldBe(T0 + Min(1));
        var merged = snapshot.RecentlyClosed.ShouldHaveSingleItem();
        (merged.Id, merged.State, merged.MergedInto, merged.ClosedAt).ShouldBe(("I000001", "Closed", "I000002", T0 + Min(1)));

        // Act 2: while it is lost, another alarm of the device; and CH₄ next door in zone 3 (another device).
        At(Min(2));
        Raise(Gas(4), O2Low, 17);           // A000003: dependant
        Raise(Gas(3), Ch4L1, 22);           // A000004: a new CH₄ incident, not joined to a dependant

        // Assert 2
        var open = sut.Snapshot().Open;
        open.Select(i => i.Id).ShouldBe(["I000002", "I000003"]);
        ShouldList(open[0], ("A000001", "Suppressed", true), ("A000002", "Unacknowledged", false), ("A000003", "Suppressed", true));
        open[0].Priority.ShouldBe("Critical");
        ShouldList(open[1], ("A000004", "Unacknowledged", false));

        // Act 3: the device is back; its next alarm is its own again.
        At(Min(3));
        Clear(Gas(4), CommLoss, 1);
        Raise(Gas(4), TempHigh, 45);        // A000005

        // Assert 3
        sut.Find("I000002").ShouldNotBeNull().Alarms.Select(a => a.Id).ShouldBe(["A000001", "A000002", "A000003"]);
        var temp = sut.Snapshot().Open.Single(i => i.Kind == "temp_high");
        (temp.Id, temp.FirstOutAlarmId).ShouldBe(("I000004", "A000005"));

        // Act 4: everything of the comm-loss incident is over.
        At(Min(5));
        Ack("A000002");
        Clear(Gas(4), Ch4L1, 10);
        Ack("A000001");
        Clear(Gas(4), O2Low, 20.9);
        Ack("A000003");

        // Assert 4
        var closed = sut.Find("I000002").ShouldNotBeNull();
        closed.State.ShouldBe("Closed");
        closed.ClosedAt.ShouldBe(T0 + Min(5));
        ShouldList(closed, ("A000001", "Normal", true), ("A000002", "Normal", false), ("A000003", "Normal", true));
        ChangesShouldBeInSeqOrder();
    }

    [Fact]
    public void CommLoss_LeavesAlarmsOfAnIncidentSharedWithOtherDevices()
    {
        // Arrange: CH₄ spreading through zones 3 and 4.
        var sut = CreateSut();
        Raise(Gas(3), Ch4L1, 22);           // A000001
        Raise(Gas(4), Ch4L1, 22);           // A000002

        // Act: zone 4's controller stops communicating.
        At(Min(1));
        Raise(Gas(4), CommLoss, 0);         // A000003

        // Assert
        var open = sut.Snapshot().Open.OrderBy(i => i.Id).ToList();
        open.Select(i => (i.Id, i.Kind, string.Join(",", i.Alarms.Select(a => a.Id)))).ShouldBe(
            [("I000001", "ch4_high", "A000001,A000002"), ("I000002", "comm loss", "A000003")]);
    }

    [Fact]
    public void CommLoss_OfAdjacentDevices_IsOneIncidentWithBothDevicesDependants()
    {
        // Arrange
        var sut = CreateSut();
        Raise(Gas(1), TempHigh, 45);        // A000001

        // Act: a power section drops zones 1 and 2.
        At(Min(1));
        Raise(Gas(1), CommLoss, 0);         // A000002
        Raise(Gas(2), CommLoss, 0);         // A000003
        Raise(Gas(2), O2Low, 17);           // A000004

        // Assert
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.Id.ShouldBe("I000002");
        incident.Zones.ShouldBe([Zone(GasCabin, 1), Zone(GasCabin, 2)]);
        incident.Direction.ShouldBe("IncreasingChainage");
        ShouldList(
            incident,
            ("A000001", "Suppressed", true),
            ("A000002", "Unacknowledged", false),
            ("A000003", "Unacknowledged", false),
            ("A000004", "Suppressed", true));
    }

    [Fact]
    public void PlantAlarms_AreGroupedPerDeviceAndKind()
    {
        // Arrange
        var sut = CreateSut();

        // Act: the pre-alarm, then the limit, on the same analyser.
        Raise(PlantDevice, CodPre, 42);
        At(Min(3));
        Raise(PlantDevice, CodHigh, 55);

        // Assert
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.Kind.ShouldBe("effluent_cod_high");
        incident.SiteId.ShouldBe("wwtp8");
        incident.DeviceId.ShouldBe(PlantDevice);
        incident.TunnelId.ShouldBeNull();
        incident.CabinId.ShouldBeNull();
        incident.Zones.ShouldBeEmpty();
        incident.Direction.ShouldBe("None");
        incident.Location.ShouldBe("Plant 8 · effluent");
        incident.Priority.ShouldBe("High");
        incident.FirstOutAlarmId.ShouldBe("A000001");
        ShouldList(incident, ("A000001", "Unacknowledged", false), ("A000002", "Unacknowledged", false));
    }

    [Fact]
    public void AlarmList_IsBounded_DroppingTheOldestAlarmsThatAreOver()
    {
        // Arrange: zone 3 stays in alarm while zone 4 chatters 12 times.
        var sut = CreateSut(new IncidentOptions { MaxAlarmsPerIncident = 10 });
        Raise(Gas(3), Ch4L1, 22);           // A000001
        for (var i = 0; i < 12; i++)
        {
            At(Min(i + 1));
            Raise(Gas(4), Ch4L1, 22);       // A000002 … A000013
            Clear(Gas(4), Ch4L1, 10);
            Ack($"A{i + 2:D6}");
        }

        // Act
        At(Min(20));
        Raise(Gas(5), Ch4L1, 22);           // A000014

        // Assert: 14 alarms, 10 listed: the first-out, the 8 newest zone-4 alarms, zone 5.
        var incident = sut.Snapshot().Open.ShouldHaveSingleItem();
        incident.OmittedAlarms.ShouldBe(4);
        incident.Alarms.Select(a => a.Id).ShouldBe(["A000001", .. Enumerable.Range(6, 8).Select(i => $"A{i:D6}"), "A000014"]);
        incident.FirstOutAlarmId.ShouldBe("A000001");
        incident.Zones.ShouldBe([Zone(GasCabin, 3), Zone(GasCabin, 4), Zone(GasCabin, 5)]);
        incident.ActiveAlarms.ShouldBe(2);
    }

    [Fact]
    public void OnAlarmChanged_ATransitionSeenAlready_IsIgnored()
    {
        // Arrange
        var sut = new IncidentCorrelator(_registry, [_observer], _time);
        var alarm = new AlarmDto
        {
            Seq = 7, Id = "A000007", State = "Unacknowledged", Priority = "High", Kind = "ch4_high", RuleId = "ch4.high.l1",
            SiteId = SiteId, DeviceId = Gas(2), SensorId = $"{Gas(2)}.ch4", TunnelId = TunnelId, CabinId = GasCabin,
            ZoneId = Zone(GasCabin, 2), Location = "Inc Rd trunk · gas cabin · zone 2 (K0+200–K0+400)",
            Message = "CH₄ ≥ 20 %LEL", RaisedAt = T0, ChangedAt = T0,
        };

        // Act
        sut.OnAlarmChanged(alarm);
        sut.OnAlarmChanged(alarm);
        sut.OnAlarmChanged(alarm with { Seq = 6, State = "Normal" });

        // Assert
        _observer.Changes.ShouldHaveSingleItem().Alarms.ShouldHaveSingleItem().State.ShouldBe("Unacknowledged");
        sut.Seq.ShouldBe(1);
    }

    [Fact]
    public void Find_UnknownId_ReturnsNull()
    {
        // Arrange
        var sut = CreateSut();

        // Act / Assert
        sut.Find("I999999").ShouldBeNull();
        sut.Snapshot().ShouldBe(new IncidentSnapshot(0, [], []), new SnapshotComparer());
    }

    private sealed class SnapshotComparer : IEqualityComparer<IncidentSnapshot>
    {
        public bool Equals(IncidentSnapshot? x, IncidentSnapshot? y) =>
            x is not null && y is not null && x.Seq == y.Seq && x.Open.SequenceEqual(y.Open) && x.RecentlyClosed.SequenceEqual(y.RecentlyClosed);

        public int GetHashCode(IncidentSnapshot obj) => obj.Seq.GetHashCode();
    }
}
