using System.Collections.Concurrent;
using Lifeline.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lifeline.Control.Tests;

/// <summary>
/// In process: a real <see cref="AlarmService"/> observed by the <see cref="InterlockEngine"/>, the
/// <see cref="CommandService"/> and the Modbus commander, and one zone controller slave per gas-cabin zone 2..5 of
/// Yongchang Rd. A CH₄ L1 raise in zone 3 must drive the fans of zones 2, 3 and 4 (not 5).
/// </summary>
public sealed class InterlockEndToEndTests : IAsyncLifetime
{
    private readonly Dictionary<string, ZoneControllerSlave> _slaves = new(StringComparer.Ordinal);
    private readonly RecordingCommandObserver _observer = new();
    private ModbusCommander _commander = null!;
    private CommandService _commands = null!;
    private AlarmService _alarms = null!;

    public async ValueTask InitializeAsync()
    {
        foreach (var device in new[] { Baoshan.Z2, Baoshan.Z3, Baoshan.Z4, Baoshan.Z5 })
        {
            _slaves[device] = await ZoneControllerSlave.StartAsync(follows: true);
        }

        var plan = Baoshan.Plan(_slaves.Select(s => (s.Key, s.Value.Port)).ToArray());
        _commander = Baoshan.Commander(plan, Baoshan.FastOptions(TimeSpan.FromMilliseconds(400)));
        var interlocks = InterlockLoader.Load(Path.Combine(RepositoryPaths.Seeds(), InterlockLoader.FileName), Baoshan.Catalog);
        _commands = new CommandService(
            Baoshan.Catalog, _commander, mqtt: null, () => _alarms, [_observer], Options.Create(new ControlOptions()), TimeProvider.System, NullLogger<CommandService>.Instance);
        var engine = new InterlockEngine(interlocks, _commands, NullLogger<InterlockEngine>.Instance);
        _alarms = new AlarmService([engine], TimeProvider.System);
        await _commands.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _commands.StopAsync(CancellationToken.None);
        _commands.Dispose();
        await _commander.DisposeAsync();
        foreach (var slave in _slaves.Values)
        {
            await slave.DisposeAsync();
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Ch4_L1_in_a_gas_zone_runs_the_fans_of_that_zone_and_its_neighbours_confirmed_and_audited()
    {
        var raise = Ch4(RuleTransitionKind.Raised, 23.5);

        _alarms.Apply(raise);

        // Queued synchronously from the alarm observer: 3 zones × 2 fans.
        var alarm = _alarms.Snapshot().Alarms.ShouldHaveSingleItem();
        var queued = _commands.Recent(100);
        queued.Count.ShouldBe(6);
        queued.Select(r => (r.DeviceId, r.Channel)).ShouldBe(
            [(Baoshan.Z2, "fan1_cmd"), (Baoshan.Z2, "fan2_cmd"), (Baoshan.Z3, "fan1_cmd"), (Baoshan.Z3, "fan2_cmd"), (Baoshan.Z4, "fan1_cmd"), (Baoshan.Z4, "fan2_cmd")],
            ignoreOrder: true);

        await Wait.UntilAsync(() => _commands.Recent(100).All(r => r.Outcome != CommandOutcome.Pending), TimeSpan.FromSeconds(20), () => Describe(_commands.Recent(100)));

        foreach (var record in _commands.Recent(100))
        {
            record.Outcome.ShouldBe(CommandOutcome.Confirmed, record.Detail);
            record.Route.ShouldBe(CommandRoute.Modbus);
            record.Value.ShouldBe(1);
            record.Source.ShouldBe("interlock:gas-cabin-ch4-accident-ventilation");
            record.AlarmId.ShouldBe(alarm.Id);
            record.Reason.ShouldStartWith($"alarm {alarm.Id} ch4.high.l1 on {Baoshan.Z3}.ch4");
            record.FinishedAt.ShouldNotBeNull();
        }

        foreach (var device in new[] { Baoshan.Z2, Baoshan.Z3, Baoshan.Z4 })
        {
            _slaves[device].Store.GetCoil(0).ShouldBeTrue(device);
            _slaves[device].Store.GetCoil(1).ShouldBeTrue(device);
            _slaves[device].Store.GetDiscreteInput(0).ShouldBeTrue(device);
        }

        _slaves[Baoshan.Z5].Writes.ShouldBe(0);
        _observer.Records.Count(r => r.Outcome == CommandOutcome.Pending).ShouldBe(6);
        _observer.Records.Count(r => r.Outcome == CommandOutcome.Confirmed).ShouldBe(6);
        _alarms.Snapshot().Alarms.ShouldNotContain(a => a.RuleId == CommandService.UnconfirmedRule.Id);

        // Acknowledging, a repeated raise and the clear (on_clear: none) send nothing more.
        _alarms.Acknowledge(alarm.Id, "op").Outcome.ShouldBe(AlarmActionOutcome.Done);
        _alarms.Apply(raise);
        _alarms.Apply(Ch4(RuleTransitionKind.Cleared, 10));
        _commands.Recent(100).Count.ShouldBe(6);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_zone_controller_that_does_not_follow_raises_command_unconfirmed_cleared_by_a_later_confirmed_command()
    {
        _slaves[Baoshan.Z4].Follows = false;

        _alarms.Apply(Ch4(RuleTransitionKind.Raised, 21));
        await Wait.UntilAsync(() => _commands.Recent(100).Count(r => r.Outcome != CommandOutcome.Pending) == 6, TimeSpan.FromSeconds(20), () => Describe(_commands.Recent(100)));

        var records = _commands.Recent(100);
        records.Where(r => r.DeviceId == Baoshan.Z4).ShouldAllBe(r => r.Outcome == CommandOutcome.NotConfirmed);
        records.Where(r => r.DeviceId != Baoshan.Z4).ShouldAllBe(r => r.Outcome == CommandOutcome.Confirmed);
        records.First(r => r.DeviceId == Baoshan.Z4).Detail.ShouldStartWith("written, but fan");
        var unconfirmed = _alarms.Snapshot().Alarms.Where(a => a.RuleId == CommandService.UnconfirmedRule.Id).ShouldHaveSingleItem();
        unconfirmed.DeviceId.ShouldBe(Baoshan.Z4);
        unconfirmed.SensorId.ShouldBe($"{Baoshan.Z4}.command");
        unconfirmed.Kind.ShouldBe("command unconfirmed");
        unconfirmed.State.ShouldBe("Unacknowledged");

        // The contactor is repaired; an operator starts the fan again.
        _slaves[Baoshan.Z4].Follows = true;
        var manual = _commands.Submit(new CommandRequest(Baoshan.Z4, "fan1_cmd", 1, "retry after repair", User: "op"));
        manual.Source.ShouldBe("user:op");
        await Wait.UntilAsync(() => _commands.Find(manual.Id)?.Outcome == CommandOutcome.Confirmed, TimeSpan.FromSeconds(20), () => $"{_commands.Find(manual.Id)}");

        await Wait.UntilAsync(
            () => _alarms.Snapshot().Alarms.Single(a => a.RuleId == CommandService.UnconfirmedRule.Id).State == "ReturnedUnacknowledged",
            TimeSpan.FromSeconds(5),
            () => "the unconfirmed alarm did not clear");
    }

    [Fact]
    public void Operator_commands_are_checked_before_anything_is_queued()
    {
        Should.Throw<CommandRejectedException>(() => _commands.Submit(new CommandRequest("nope", "fan1_cmd", 1, "x", User: "op")))
            .Rejection.ShouldBe(CommandRejection.UnknownDevice);
        Should.Throw<CommandRejectedException>(() => _commands.Submit(new CommandRequest(Baoshan.Z3, "fan1_run", 1, "x", User: "op")))
            .Message.ShouldBe($"channel 'fan1_run' of device '{Baoshan.Z3}' is read-only; its commands: fan1_cmd, fan2_cmd, pump1_cmd, pump2_cmd");
        Should.Throw<CommandRejectedException>(() => _commands.Submit(new CommandRequest(Baoshan.Z3, "fan1_cmd", 0.5, "x", User: "op")))
            .Rejection.ShouldBe(CommandRejection.BadValue);
        _commands.Recent(10).ShouldBeEmpty();
    }

    private static RuleTransition Ch4(RuleTransitionKind kind, double value)
    {
        Baoshan.Registry.TryGetDevice(Baoshan.Z3, out var device).ShouldBeTrue();
        device.TryGetChannel("ch4", out var channel).ShouldBeTrue();
        var rule = Baoshan.Registry.Rules.Single(r => r.Id == "ch4.high.l1");
        return new RuleTransition(kind, rule, device, channel, value, TimeProvider.System.GetUtcNow());
    }

    private static string Describe(IEnumerable<CommandRecord> records) =>
        string.Join("; ", records.Select(r => $"{r.Id} {r.DeviceId}.{r.Channel} {r.Outcome} {r.Detail}"));
}

/// <summary>MQTT devices: publish through <see cref="IMqttCommandPublisher"/>, confirm by the feedback channel's readings.</summary>
public sealed class MqttCommandRouteTests
{
    [Fact(Timeout = 30_000)]
    public async Task An_mqtt_command_is_published_and_confirmed_by_the_feedback_reading_or_not_confirmed_after_the_timeout()
    {
        var publisher = new RecordingPublisher();
        AlarmService alarms = null!;
        using var commands = new CommandService(
            Baoshan.Catalog, modbus: null, publisher, () => alarms, [], Options.Create(new ControlOptions { MqttReadBackTimeout = TimeSpan.FromMilliseconds(300) }),
            TimeProvider.System, NullLogger<CommandService>.Instance);
        alarms = new AlarmService([], TimeProvider.System);
        await commands.StartAsync(CancellationToken.None);
        try
        {
            var first = commands.Submit(new CommandRequest(Baoshan.Z3, "pump1_cmd", 1, "test", User: "op"));
            first.Route.ShouldBe(CommandRoute.Mqtt);
            await Wait.UntilAsync(() => publisher.Sent.Count == 1, TimeSpan.FromSeconds(5), () => "nothing published");
            publisher.Sent.Single().ShouldBe(("yongchang-rd", Baoshan.Z3, first.Id, "pump1_cmd", 1d, true));
            commands.OnReading(new Domain.Telemetry.Reading(Baoshan.Z3, "pump1_run", 0, TimeProvider.System.GetUtcNow(), null));
            commands.OnReading(new Domain.Telemetry.Reading(Baoshan.Z3, "pump1_run", 1, TimeProvider.System.GetUtcNow(), null));
            await Wait.UntilAsync(() => commands.Find(first.Id)!.Outcome != CommandOutcome.Pending, TimeSpan.FromSeconds(5), () => "still pending");
            commands.Find(first.Id)!.Outcome.ShouldBe(CommandOutcome.Confirmed);

            var second = commands.Submit(new CommandRequest(Baoshan.Z3, "pump2_cmd", 1, "test", User: "op"));
            await Wait.UntilAsync(() => commands.Find(second.Id)!.Outcome != CommandOutcome.Pending, TimeSpan.FromSeconds(5), () => "still pending");
            var done = commands.Find(second.Id)!;
            done.Outcome.ShouldBe(CommandOutcome.NotConfirmed);
            done.Detail.ShouldBe("published, but pump2_run did not report 1 within 0.3 s (no reading received)");
            alarms.Snapshot().Alarms.ShouldHaveSingleItem().RuleId.ShouldBe(CommandService.UnconfirmedRule.Id);
        }
        finally
        {
            await commands.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void The_command_payload_round_trips()
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_795_793_718_334);
        var payload = MqttCommandPayload.Write("C000042", at, "fan1_cmd", 1, isBoolean: true);

        System.Text.Encoding.UTF8.GetString(payload).ShouldBe("""{"id":"C000042","ts":1795793718334,"values":{"fan1_cmd":true}}""");
        var (id, sentAt, values) = MqttCommandPayload.Read(payload);
        (id, sentAt, values["fan1_cmd"]).ShouldBe(("C000042", at, 1d));
    }

    private sealed class RecordingPublisher : IMqttCommandPublisher
    {
        public ConcurrentQueue<(string Site, string Device, string Id, string Channel, double Value, bool IsBoolean)> Sent { get; } = new();

        public Task PublishCommandAsync(string siteId, string deviceId, string commandId, string channel, double value, bool isBoolean, CancellationToken cancellationToken)
        {
            Sent.Enqueue((siteId, deviceId, commandId, channel, value, isBoolean));
            return Task.CompletedTask;
        }
    }
}

internal sealed class RecordingCommandObserver : ICommandObserver
{
    private readonly ConcurrentQueue<CommandRecord> _records = new();

    public IReadOnlyList<CommandRecord> Records => [.. _records];

    public void OnCommandChanged(CommandRecord record) => _records.Enqueue(record);
}
