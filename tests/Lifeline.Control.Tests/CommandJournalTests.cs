using Lifeline.Alarms;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Control.Tests;

/// <summary>The command journal on a real disk: the audit trail survives a restart.</summary>
public sealed class CommandJournalTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("lifeline-command-journal-").FullName;
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private CommandJournal OpenJournal() =>
        CommandJournal.Open(new CommandJournalOptions { Fsync = false }, _directory, _time, NullLogger.Instance);

    /// <summary>A command service on <paramref name="journal"/>, not started: what is submitted stays pending.</summary>
    private CommandService Service(CommandJournal journal, int capacity = 1000, AlarmService? alarms = null) => new(
        Baoshan.Catalog,
        modbus: null,
        mqtt: null,
        () => alarms ?? throw new InvalidOperationException("no alarm service in this test"),
        [],
        Options.Create(new ControlOptions { AuditCapacity = capacity }),
        _time,
        NullLogger<CommandService>.Instance,
        journal);

    private static CommandRecord Record(long number, CommandOutcome outcome = CommandOutcome.Pending, string device = Baoshan.Z3) => new()
    {
        Id = $"C{number:D6}",
        DeviceId = device,
        Channel = "fan1_cmd",
        Value = 1,
        Source = "user:operator",
        User = "operator",
        Reason = "inspection",
        Route = CommandRoute.Mqtt,
        RequestedAt = T0.AddMinutes(number),
        Outcome = outcome,
        FinishedAt = outcome == CommandOutcome.Pending ? null : T0.AddMinutes(number).AddSeconds(2),
        Detail = outcome == CommandOutcome.Pending ? null : $"outcome of {number}",
    };

    private static CommandRequest Request(string device = Baoshan.Z3) => new(device, "fan1_cmd", 1, "inspection", User: "operator");

    [Fact]
    public async Task Records_are_replayed_latest_version_of_each_command_in_request_order()
    {
        await using (var journal = OpenJournal())
        {
            journal.Append(Record(1));
            journal.Append(Record(2));
            journal.Append(Record(1, CommandOutcome.Confirmed));
            journal.Append(Record(3));
            journal.Append(Record(2, CommandOutcome.NotConfirmed));
            journal.Append(Record(3, CommandOutcome.Failed));
        }

        await using (var journal = OpenJournal())
        {
            var state = journal.Load(capacity: 100);

            state.Replayed.ShouldBe(6);
            state.HighestId.ShouldBe(3);
            state.Records.ShouldBe([Record(1, CommandOutcome.Confirmed), Record(2, CommandOutcome.NotConfirmed), Record(3, CommandOutcome.Failed)]);

            // Only the newest commands come back into memory.
            journal.Load(capacity: 2).Records.Select(r => r.Id).ShouldBe(["C000002", "C000003"]);
            journal.Load(capacity: 2).HighestId.ShouldBe(3);
        }
    }

    [Fact]
    public async Task A_command_pending_at_the_stop_is_failed_at_the_next_start_and_the_journal_says_so()
    {
        string id;
        await using (var journal = OpenJournal())
        {
            using var service = Service(journal);
            id = service.Submit(Request()).Id;
            service.Find(id)!.Outcome.ShouldBe(CommandOutcome.Pending);
        }

        _time.Advance(TimeSpan.FromMinutes(3));
        await using (var journal = OpenJournal())
        {
            using var service = Service(journal);
            var record = service.Find(id).ShouldNotBeNull();
            record.Outcome.ShouldBe(CommandOutcome.Failed);
            record.Detail.ShouldBe(CommandService.RestartedDetail);
            record.FinishedAt.ShouldBe(T0.AddMinutes(3));
            record.User.ShouldBe("operator");
            record.Reason.ShouldBe("inspection");
        }

        // Recorded: a third start finds it failed in the journal, not pending again.
        await using (var journal = OpenJournal())
        {
            var state = journal.Load(capacity: 10);
            var record = state.Records.ShouldHaveSingleItem();
            record.Outcome.ShouldBe(CommandOutcome.Failed);
            record.Detail.ShouldBe(CommandService.RestartedDetail);
            record.FinishedAt.ShouldBe(T0.AddMinutes(3));
        }
    }

    [Fact]
    public async Task Numbering_continues_after_the_highest_id_journaled_and_older_commands_are_found_in_the_journal()
    {
        var first = new List<string>();
        await using (var journal = OpenJournal())
        {
            using var service = Service(journal);
            for (var i = 0; i < 15; i++)
            {
                first.Add(service.Submit(Request()).Id);
            }
        }

        first[0].ShouldBe("C000001");
        first[^1].ShouldBe("C000015");
        await using (var journal = OpenJournal())
        {
            using var service = Service(journal, capacity: 10);

            // The newest 10 are back in memory, newest first; numbering goes on.
            service.Recent(100).Select(r => r.Id).ShouldBe(first[5..].AsEnumerable().Reverse());
            service.Submit(Request()).Id.ShouldBe("C000016");

            // An older command is out of memory but still in the journal.
            service.Find("C000002").ShouldBeNull();
            var old = service.Lookup("C000002").ShouldNotBeNull();
            old.Outcome.ShouldBe(CommandOutcome.Pending); // it was out of the restored window, so nobody finished it
            service.Lookup("C999999").ShouldBeNull();
        }
    }

    [Fact]
    public async Task History_reads_the_journal_and_memory_by_time_and_device()
    {
        await using (var journal = OpenJournal())
        {
            journal.Append(Record(1, CommandOutcome.Confirmed));
            journal.Append(Record(2, CommandOutcome.Confirmed, Baoshan.Z4));
            journal.Append(Record(3, CommandOutcome.Confirmed));
            journal.Append(Record(4, CommandOutcome.Confirmed));
        }

        await using (var journal = OpenJournal())
        {
            using var service = Service(journal, capacity: 10);
            _time.SetUtcNow(T0.AddMinutes(10));
            var fresh = service.Submit(Request()); // in memory, maybe not on disk yet

            // Requested in [T0+2min, T0+4min) → C000002, C000003; only Z3 → C000003.
            service.History(new CommandHistoryQuery(T0.AddMinutes(2), T0.AddMinutes(4), null, 100)).Select(r => r.Id).ShouldBe(["C000003", "C000002"]);
            service.History(new CommandHistoryQuery(T0.AddMinutes(2), T0.AddMinutes(4), Baoshan.Z3, 100)).Select(r => r.Id).ShouldBe(["C000003"]);
            service.History(new CommandHistoryQuery(null, null, Baoshan.Z3, 2)).Select(r => r.Id).ShouldBe([fresh.Id, "C000004"]);
            journal.History(new CommandHistoryQuery(T0, null, Baoshan.Z4, 100)).ShouldBe([Record(2, CommandOutcome.Confirmed, Baoshan.Z4)]);
        }
    }

    [Fact]
    public async Task A_torn_tail_is_cut_and_everything_before_it_is_replayed()
    {
        await using (var journal = OpenJournal())
        {
            journal.Append(Record(1, CommandOutcome.Confirmed));
            journal.Append(Record(2, CommandOutcome.Confirmed));
            journal.Append(Record(3));
        }

        // A crash in the middle of writing the last record: its end never reached the disk.
        var segment = Directory.GetFiles(_directory, "*.wal").Order(StringComparer.Ordinal).Last();
        await using (var file = new FileStream(segment, FileMode.Open, FileAccess.ReadWrite))
        {
            file.SetLength(file.Length - 7);
        }

        await using (var journal = OpenJournal())
        {
            journal.Recovery.Clean.ShouldBeFalse();
            journal.Recovery.Damage.ShouldHaveSingleItem().Truncated.ShouldBeTrue();

            using var service = Service(journal);
            service.Recent(10).Select(r => r.Id).ShouldBe(["C000002", "C000001"]);
            service.Find("C000001")!.Outcome.ShouldBe(CommandOutcome.Confirmed);
            service.Submit(Request()).Id.ShouldBe("C000003"); // the torn command was never anywhere but on its way to disk
        }
    }

    [Fact]
    public async Task A_second_server_on_the_same_journal_is_refused_with_the_setting_to_change()
    {
        await using var journal = OpenJournal();
        var ex = Should.Throw<IOException>(OpenJournal);
        ex.Message.ShouldContain("Control:Journal:Path; one server per journal");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_command_interrupted_by_the_stop_raises_its_unconfirmed_alarm_when_the_service_starts()
    {
        await using (var journal = OpenJournal())
        {
            using var service = Service(journal);
            service.Submit(Request());
        }

        await using (var journal = OpenJournal())
        {
            var alarms = new AlarmService([], _time);
            using var service = Service(journal, alarms: alarms);
            alarms.Snapshot().Alarms.ShouldBeEmpty(); // not while the container is being built

            await service.StartAsync(CancellationToken.None);
            await service.StopAsync(CancellationToken.None);

            var alarm = alarms.Snapshot().Alarms.ShouldHaveSingleItem();
            alarm.Kind.ShouldBe("command unconfirmed");
            alarm.DeviceId.ShouldBe(Baoshan.Z3);
        }
    }
}
