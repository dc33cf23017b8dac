using System.Collections.Concurrent;
using Lifeline.Alarms;
using Lifeline.Assets;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Notifications.Channels;
using Lifeline.Notifications.Rosters;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Notifications.Tests;

/// <summary>The Baoshan registry from the seeds, loaded once.</summary>
internal static class Baoshan
{
    private static readonly Lazy<AssetRegistry> Loaded = new(() => AssetRegistryLoader.Load(RepositoryPaths.Seeds()));

    public static AssetRegistry Registry => Loaded.Value;

    public const string GasZone3 = "yongchang-rd-trunk-gas-z003-ctl";
    public const string YongchangBranch = "yongchang-rd-branch1-integrated-z001-ctl";

    public static ThresholdRule Rule(string id) => Registry.Rules.Single(r => r.Id == id);

    /// <summary>Writes a roster to a temporary file and loads it.</summary>
    public static Roster Roster(string yaml, IReadOnlyDictionary<string, ChannelType>? channels)
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-roster-").FullName;
        try
        {
            var file = Path.Combine(directory, RosterLoader.FileName);
            File.WriteAllText(file, yaml);
            return RosterLoader.Load(file, Registry, channels);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>A channel that keeps what it is given (unit tests of routing, escalation and limits).</summary>
internal sealed class RecordingChannel(string name, ChannelType type) : INotificationChannel
{
    public string Name { get; } = name;

    public ChannelType Type { get; } = type;

    public ConcurrentQueue<OutboundMessage> Messages { get; } = new();

    public Task SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        Messages.Enqueue(message);
        return Task.CompletedTask;
    }
}

/// <summary>The notification service on a real alarm service, with fake time and recording channels.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private readonly Dictionary<string, string> _alarmIds = new(StringComparer.Ordinal);

    public Harness(string rosterYaml, DateTimeOffset start, NotificationOptions? options = null, params INotificationChannel[] channels)
        : this(rosterYaml, new FakeTimeProvider(start), null, null, options, channels)
    {
    }

    /// <summary>
    /// A server's notifications over a journal folder: a second one on the same folder, the same clock and the alarm state
    /// the first left behind (<paramref name="restored"/>) is that server after a restart.
    /// </summary>
    public Harness(string rosterYaml, FakeTimeProvider time, string? journalDirectory, AlarmServiceState? restored, NotificationOptions? options, params INotificationChannel[] channels)
    {
        Time = time;
        Options = options ?? new NotificationOptions();
        Channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        Roster = Baoshan.Roster(rosterYaml, channels.ToDictionary(c => c.Name, c => c.Type, StringComparer.Ordinal));
        Links = new AckLinks(new byte[32], TimeSpan.FromHours(1), Time);
        Journal = journalDirectory is null ? null : NotificationJournal.Open(new NotificationJournalOptions { Fsync = false }, journalDirectory, Time, NullLogger.Instance);
        Service = new NotificationService(Roster, Baoshan.Registry, Channels, Options, Links, Journal, Time, NullLogger<NotificationService>.Instance, () => Alarms!.Restored);
        Service.Journaled += r => Records.Enqueue(r);
        Alarms = new AlarmService([Service], Time, Microsoft.Extensions.Options.Options.Create(new AlarmOptions { LatchLifeSafety = false }));
        if (restored is not null)
        {
            Alarms.Restore(restored);
        }

        Service.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public NotificationJournal? Journal { get; }

    public FakeTimeProvider Time { get; }

    public NotificationOptions Options { get; }

    public Roster Roster { get; }

    public AckLinks Links { get; }

    public IReadOnlyDictionary<string, INotificationChannel> Channels { get; }

    public NotificationService Service { get; }

    public AlarmService Alarms { get; }

    public ConcurrentQueue<NotificationRecord> Records { get; } = new();

    public string Raise(string deviceId, string ruleId, double value) => Apply(RuleTransitionKind.Raised, deviceId, ruleId, value);

    public string Clear(string deviceId, string ruleId, double value) => Apply(RuleTransitionKind.Cleared, deviceId, ruleId, value);

    public async Task Ack(string alarmId, string user = "op.li")
    {
        Alarms.Acknowledge(alarmId, user).Outcome.ShouldBe(AlarmActionOutcome.Done);
        await Settle();
    }

    /// <summary>Waits until the service has handled every alarm transition so far.</summary>
    public async Task Settle()
    {
        await Poll.Until(() => Service.ProcessedSeq >= Alarms.Seq, () => $"processed seq {Service.ProcessedSeq}, alarm seq {Alarms.Seq}");
    }

    public async Task Advance(TimeSpan by)
    {
        Time.Advance(by);
        await Settle();
    }

    public async ValueTask DisposeAsync()
    {
        await Service.StopAsync(CancellationToken.None);
        Service.Dispose();
        Alarms.Dispose();
        if (Journal is not null)
        {
            await Journal.DisposeAsync();
        }
    }

    private string Apply(RuleTransitionKind kind, string deviceId, string ruleId, double value)
    {
        var rule = Baoshan.Rule(ruleId);
        Baoshan.Registry.TryGetDevice(deviceId, out var device).ShouldBeTrue(deviceId);
        device!.TryGetChannel(rule.SensorType, out var channel).ShouldBeTrue($"{deviceId}.{rule.SensorType}");
        Alarms.Apply(new RuleTransition(kind, rule, device, channel!, value, Time.GetUtcNow()));
        var id = Alarms.Snapshot().Alarms.Where(a => a.DeviceId == deviceId && a.RuleId == ruleId).Select(a => a.Id).FirstOrDefault();
        if (id is not null)
        {
            _alarmIds[$"{deviceId}/{ruleId}"] = id;
        }

        return id ?? _alarmIds.GetValueOrDefault($"{deviceId}/{ruleId}") ?? string.Empty;
    }
}

internal static class Poll
{
    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds.</summary>
    public static async Task Until(Func<bool> condition, Func<string>? state = null, double seconds = 15)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(seconds);
        while (!condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new TimeoutException($"condition not met within {seconds} s. {state?.Invoke()}");
            }

            await Task.Delay(10);
        }
    }
}
