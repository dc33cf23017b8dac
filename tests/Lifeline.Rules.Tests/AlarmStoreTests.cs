using Lifeline.Alarms;
using Lifeline.Alarms.Persistence;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace Lifeline.Rules.Tests;

/// <summary>The alarm journal on a real disk: state and history survive a restart exactly.</summary>
public sealed class AlarmStoreTests : IDisposable
{
    private const string Gas1 = TestRegistry.GasZone1Device;
    private const string Gas2 = TestRegistry.GasZone2Device;
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("lifeline-alarm-journal-").FullName;
    private readonly AssetRegistry _registry = TestRegistry.Create();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private AlarmStore OpenStore() => AlarmStore.Open(new AlarmJournalOptions(), _directory, _time, NullLogger.Instance);

    private (AlarmService Service, RecordingObserver Observer) Start(AlarmStore store)
    {
        var observer = new RecordingObserver();
        var service = new AlarmService([observer], _time, MsOptions.Create(new AlarmOptions()), store);
        if (store.Load() is { } state)
        {
            service.Restore(state);
        }

        // As the server does: at once, so a new journal keeps its epoch.
        store.WriteSnapshot(service.CaptureState);
        return (service, observer);
    }

    private RuleTransition T(RuleTransitionKind kind, string deviceId, string channelName, ThresholdRule rule, double value)
    {
        _registry.TryGetDevice(deviceId, out var device).ShouldBeTrue();
        return new RuleTransition(kind, rule, device!, device!.Channels.Single(c => c.Name == channelName), value, _time.GetUtcNow());
    }

    [Fact]
    public async Task Raise_acknowledge_shelve_then_restart_gives_identical_state_and_history()
    {
        AlarmSnapshot before;
        IReadOnlyList<AlarmDto> history;
        IReadOnlyList<AlarmScopeDto> scopes;
        await using (var store = OpenStore())
        {
            var (alarms, observer) = Start(store);
            alarms.Apply(T(RuleTransitionKind.Raised, Gas1, "o2", TestRegistry.O2LowL2, 17));
            alarms.Apply(T(RuleTransitionKind.Raised, Gas1, "temp", TestRegistry.TempHigh, 45));
            alarms.Apply(T(RuleTransitionKind.Raised, Gas2, "temp", TestRegistry.TempHigh, 46));
            _time.Advance(TimeSpan.FromSeconds(5));
            var ack = alarms.Acknowledge("A000001", "op.li", "seen");
            await ack.Durable;
            await alarms.Shelve("A000002", "op.li", "fan under repair", TimeSpan.FromHours(1)).Durable;
            alarms.Apply(T(RuleTransitionKind.Cleared, Gas2, "temp", TestRegistry.TempHigh, 30));
            await alarms.Acknowledge("A000003", "op.zhao").Durable;
            await alarms.RemoveFromService($"{Gas2}.o2", "eng.wang", "sensor swap");
            await alarms.FlushAsync();
            before = alarms.Snapshot();
            history = observer.Changes;
            scopes = alarms.Scopes();
            alarms.Dispose();
        }

        // Reopened with only the empty start-up snapshot: the journal rebuilds everything.
        await using (var store = OpenStore())
        {
            var (alarms, observer) = Start(store);
            store.LoadReport!.SnapshotSeq.ShouldBe(0);
            store.LoadReport.Replayed.ShouldBe(history.Count + 1);
            alarms.Snapshot().ShouldBe(before, new SnapshotEquality());
            alarms.Scopes().ShouldBe(scopes);
            store.History(new AlarmHistoryQuery(T0, T0.AddDays(1))).Items.ShouldBe(history);
            store.History(new AlarmHistoryQuery(T0, T0.AddDays(1), AlarmId: "A000003")).Items.Select(c => c.Transition).ShouldBe(["Raised", "Cleared", "Acknowledged"]);
            store.History(new AlarmHistoryQuery(T0.AddSeconds(1), T0.AddDays(1), Kind: "temp_high")).Items.Select(c => (c.Id, c.Transition)).ShouldBe([("A000002", "Shelved"), ("A000003", "Cleared"), ("A000003", "Acknowledged")]);

            // The next transition continues the numbering, and the shelf still expires on time.
            alarms.Apply(T(RuleTransitionKind.Raised, Gas2, "ch4", TestRegistry.Ch4HighL1, 30));
            observer.Changes[^1].ShouldSatisfyAllConditions(c => c.Seq.ShouldBe(before.Seq + 1), c => c.Id.ShouldBe("A000004"));
            _time.Advance(TimeSpan.FromHours(1));
            observer.Changes[^1].ShouldSatisfyAllConditions(c => c.Id.ShouldBe("A000002"), c => c.Transition.ShouldBe("ShelveExpired"));
            await alarms.FlushAsync();
            store.WriteSnapshot(alarms.CaptureState);
            alarms.Apply(T(RuleTransitionKind.Cleared, Gas2, "ch4", TestRegistry.Ch4HighL1, 5));
            await alarms.FlushAsync();
            before = alarms.Snapshot();
            alarms.Dispose();
        }

        // Reopened from the snapshot plus the records after it.
        await using (var store = OpenStore())
        {
            var (alarms, _) = Start(store);
            store.LoadReport!.SnapshotSeq.ShouldBe(before.Seq - 1);
            store.LoadReport.Replayed.ShouldBe(1);
            alarms.Snapshot().ShouldBe(before, new SnapshotEquality());
            alarms.Dispose();
        }
    }

    [Fact]
    public async Task A_snapshot_taken_while_transitions_are_appended_never_loses_one()
    {
        await using (var store = OpenStore())
        {
            var (alarms, _) = Start(store);
            alarms.Apply(T(RuleTransitionKind.Raised, Gas1, "temp", TestRegistry.TempHigh, 45));

            // The position is read before the state: a transition made in between is replayed on top, harmlessly.
            store.WriteSnapshot(() =>
            {
                alarms.Apply(T(RuleTransitionKind.Raised, Gas2, "temp", TestRegistry.TempHigh, 45));
                return alarms.CaptureState();
            });
            alarms.Apply(T(RuleTransitionKind.Cleared, Gas2, "temp", TestRegistry.TempHigh, 30));
            await alarms.FlushAsync();
            alarms.Dispose();
        }

        await using (var store = OpenStore())
        {
            var (alarms, _) = Start(store);
            alarms.Snapshot().Alarms.Select(a => (a.Id, a.State)).OrderBy(a => a.Id).ShouldBe([("A000001", "Unacknowledged"), ("A000002", "ReturnedUnacknowledged")]);
            alarms.Seq.ShouldBe(3);
            alarms.Dispose();
        }
    }

    [Fact]
    public async Task An_unreadable_snapshot_is_reported_and_the_journal_rebuilds_the_state()
    {
        await using (var store = OpenStore())
        {
            var (alarms, _) = Start(store);
            alarms.Apply(T(RuleTransitionKind.Raised, Gas1, "temp", TestRegistry.TempHigh, 45));
            await alarms.FlushAsync();
            alarms.Dispose();
        }

        await File.WriteAllTextAsync(Path.Combine(_directory, "snapshot.json"), "{ not json");
        await using (var store = OpenStore())
        {
            var (alarms, _) = Start(store);
            store.LoadReport!.SnapshotProblem.ShouldStartWith(Path.Combine(_directory, "snapshot.json"));
            alarms.Snapshot().Alarms.ShouldHaveSingleItem().Id.ShouldBe("A000001");
            alarms.Dispose();
        }
    }

    [Fact]
    public async Task The_journal_is_one_server_s_own()
    {
        await using var store = OpenStore();
        var ex = Should.Throw<IOException>(OpenStore);
        ex.Message.ShouldContain("Alarms:Journal:Path; one server per journal");
    }

    private sealed class SnapshotEquality : IEqualityComparer<AlarmSnapshot>
    {
        public bool Equals(AlarmSnapshot? x, AlarmSnapshot? y) =>
            x is not null && y is not null && x.Epoch == y.Epoch && x.Seq == y.Seq && x.Alarms.SequenceEqual(y.Alarms);

        public int GetHashCode(AlarmSnapshot obj) => obj.Seq.GetHashCode();
    }
}
