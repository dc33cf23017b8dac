using System.Collections.Concurrent;
using System.Globalization;

using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Rules;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Control;

/// <summary>
/// Executes commands from interlocks and operators in the background. <see cref="Submit"/> checks a command against
/// the <see cref="CommandCatalog"/>, records it and queues it without waiting (safe under the alarm service's lock).
/// The worker routes it to Modbus (<see cref="IModbusCommander"/>) when the device is polled over Modbus, otherwise
/// publishes it over MQTT (<see cref="IMqttCommandPublisher"/>) and waits for the feedback channel's next matching
/// reading, fed by the server through <see cref="OnReading"/>. Commands to one device run one at a time, in order;
/// different devices run in parallel. A command that ends NotConfirmed or Failed raises a <c>command unconfirmed</c>
/// alarm on its device (<see cref="UnconfirmedRule"/>), cleared by the device's next confirmed command. Every command
/// and outcome is kept in a bounded audit trail, appended to the <see cref="CommandJournal"/> (when there is one) and
/// given to every <see cref="ICommandObserver"/>. At start-up the newest commands are restored from the journal, numbering
/// continues after the highest id journaled, and a command still pending when the server stopped is finished as
/// <see cref="CommandOutcome.Failed"/> (<see cref="RestartedDetail"/>) with its <c>command unconfirmed</c> alarm: nobody
/// knows whether the equipment followed it.
/// </summary>
public sealed partial class CommandService : BackgroundService
{
    private static readonly SensorType CommandType = new("command", "Command", string.Empty, ChannelKind.Boolean, 0, 1, string.Empty);
    private static readonly Channel CommandChannel = new("command", CommandType, 0, 1);

    private readonly CommandCatalog _catalog;
    private readonly IModbusCommander? _modbus;
    private readonly IMqttCommandPublisher? _mqtt;
    private readonly Func<AlarmService> _alarms;
    private readonly IReadOnlyList<ICommandObserver> _observers;
    private readonly ControlOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CommandJournal? _journal;
    private readonly List<CommandRecord> _interrupted = [];
    private readonly System.Threading.Channels.Channel<CommandRecord> _queue = System.Threading.Channels.Channel.CreateUnbounded<CommandRecord>(new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _auditLock = new();
    private readonly LinkedList<CommandRecord> _audit = new();
    private readonly Dictionary<string, LinkedListNode<CommandRecord>> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _deviceGates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Device, string Channel), FeedbackWaiters> _waiters = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private long _nextId;
    private int _waiterCount;

    /// <summary>Creates the service.</summary>
    /// <param name="catalog">Which commands each device accepts.</param>
    /// <param name="modbus">The Modbus commander, or null when Modbus is not set up.</param>
    /// <param name="mqtt">The MQTT command publisher, or null when MQTT is not set up.</param>
    /// <param name="alarms">The alarm service, resolved when first needed (it observes interlocks, which use this service).</param>
    /// <param name="observers">Receivers of every record change.</param>
    /// <param name="options">Section <c>Control</c>.</param>
    /// <param name="time">Clock.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="journal">The command journal, or null to keep the audit trail in memory only.</param>
    public CommandService(
        CommandCatalog catalog,
        IModbusCommander? modbus,
        IMqttCommandPublisher? mqtt,
        Func<AlarmService> alarms,
        IEnumerable<ICommandObserver> observers,
        IOptions<ControlOptions> options,
        TimeProvider time,
        ILogger<CommandService> logger,
        CommandJournal? journal = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _catalog = catalog;
        _modbus = modbus;
        _mqtt = mqtt;
        _alarms = alarms;
        _observers = observers.ToArray();
        _options = options.Value;
        _time = time;
        _logger = logger;
        _journal = journal;
        if (journal is not null)
        {
            Restore(journal.Load(_options.AuditCapacity));
        }
    }

    /// <summary>The detail of a command that was pending when the server stopped, finished as failed at the next start.</summary>
    public const string RestartedDetail = "server restarted before read-back";

    /// <summary>The rule behind every <c>command unconfirmed</c> alarm (sensor <c>{device}.command</c>).</summary>
    public static ThresholdRule UnconfirmedRule { get; } = new()
    {
        Id = "device.command-unconfirmed",
        SensorType = CommandType.Id,
        Kind = "command unconfirmed",
        Direction = ThresholdDirection.OnTrue,
        Priority = AlarmPriority.High,
        Message = "Command not confirmed: the equipment did not follow a command (see the command audit); check it on site",
        Basis = "Lifeline command supervision",
    };

    /// <summary>The catalog commands are checked against.</summary>
    public CommandCatalog Catalog => _catalog;

    /// <summary>
    /// Checks and queues a command; returns its record (<see cref="CommandOutcome.Pending"/>) at once.
    /// </summary>
    /// <exception cref="CommandRejectedException">Unknown device, not a command output, or a bad value: nothing is sent.</exception>
    public CommandRecord Submit(CommandRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = _catalog.Resolve(request.DeviceId, request.Channel, request.Value);
        var record = new CommandRecord
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"C{Interlocked.Increment(ref _nextId):D6}"),
            DeviceId = request.DeviceId,
            Channel = request.Channel,
            Value = request.Value,
            Source = request.InterlockId is { } interlock ? $"interlock:{interlock}" : $"user:{request.User ?? "unknown"}",
            InterlockId = request.InterlockId,
            User = request.User,
            Reason = request.Reason,
            AlarmId = request.AlarmId,
            Route = _modbus?.IsPolled(target.Device.Id) == true ? CommandRoute.Modbus : CommandRoute.Mqtt,
            RequestedAt = _time.GetUtcNow(),
            Outcome = CommandOutcome.Pending,
        };
        Record(record);
        _queue.Writer.TryWrite(record);
        return record;
    }

    /// <summary>The newest <paramref name="limit"/> records, newest first.</summary>
    public IReadOnlyList<CommandRecord> Recent(int limit)
    {
        lock (_auditLock)
        {
            var list = new List<CommandRecord>(Math.Min(Math.Max(limit, 0), _audit.Count));
            for (var node = _audit.Last; node is not null && list.Count < limit; node = node.Previous)
            {
                list.Add(node.Value);
            }

            return list;
        }
    }

    /// <summary>One record of the audit trail, while it is held.</summary>
    public CommandRecord? Find(string id)
    {
        lock (_auditLock)
        {
            return _byId.TryGetValue(id, out var node) ? node.Value : null;
        }
    }

    /// <summary>One record: from the audit trail in memory, else the latest journaled version (older history).</summary>
    public CommandRecord? Lookup(string id) => Find(id) ?? (_journal is not null && !string.IsNullOrEmpty(id) ? _journal.Find(id) : null);

    /// <summary>
    /// The commands that match <paramref name="query"/>, newest first, at most <see cref="CommandHistoryQuery.Limit"/>:
    /// from the journal (older history) and the audit trail in memory (the newest state of each command).
    /// </summary>
    public IReadOnlyList<CommandRecord> History(CommandHistoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var found = new Dictionary<string, CommandRecord>(StringComparer.Ordinal);
        foreach (var record in _journal?.History(query) ?? [])
        {
            found[record.Id] = record;
        }

        lock (_auditLock)
        {
            foreach (var record in _audit)
            {
                if (query.Matches(record))
                {
                    found[record.Id] = record;
                }
            }
        }

        return CommandJournal.Newest(found.Values).Take(query.Limit).ToList();
    }

    /// <summary>
    /// A reading accepted by the pipeline: completes MQTT commands waiting for this feedback channel. Cheap when no
    /// command waits; never blocks.
    /// </summary>
    public void OnReading(in Reading reading)
    {
        if (Volatile.Read(ref _waiterCount) == 0 || !_waiters.TryGetValue((reading.DeviceId, reading.Channel), out var waiters))
        {
            return;
        }

        waiters.Offer(reading.Value);
    }

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Commands interrupted by the last stop: the equipment may or may not have followed them. Raised here, not in
        // the constructor: the alarm service observes the interlocks, which need this service.
        foreach (var record in _interrupted)
        {
            if (_catalog.Registry.TryGetDevice(record.DeviceId, out var device))
            {
                RaiseOrClear(device, record.Outcome, record.FinishedAt ?? _time.GetUtcNow());
            }
        }

        _interrupted.Clear();
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var run = Task.Run(() => RunAsync(record, stoppingToken), CancellationToken.None);
                _running[run] = true;
                _ = run.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Queued but never started: they end now, so that the audit trail and the journal say so.
        while (_queue.Reader.TryRead(out var left))
        {
            Finish(left, null, CommandOutcome.Failed, "platform shutting down before the command was sent");
        }

        await Task.WhenAll(_running.Keys.ToArray());
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        foreach (var gate in _deviceGates.Values)
        {
            gate.Dispose();
        }

        base.Dispose();
    }

    private async Task RunAsync(CommandRecord record, CancellationToken stoppingToken)
    {
        var gate = _deviceGates.GetOrAdd(record.DeviceId, _ => new SemaphoreSlim(1, 1));
        try
        {
            await gate.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            Finish(record, null, CommandOutcome.Failed, "platform shutting down before the command was sent");
            return;
        }

        try
        {
            var target = _catalog.Resolve(record.DeviceId, record.Channel, record.Value);
            var (outcome, detail) = record.Route == CommandRoute.Modbus
                ? await ModbusAsync(record, stoppingToken)
                : await MqttAsync(record, target, stoppingToken);
            Finish(record, target.Device, outcome, detail);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Finish(record, null, CommandOutcome.Failed, "platform shutting down before the command ended");
        }
#pragma warning disable CA1031 // One command's fault is its outcome; the worker carries on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Unexpected(_logger, ex, record.Id, record.DeviceId);
            Finish(record, null, CommandOutcome.Failed, $"unexpected failure: {ex.Message}");
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<(CommandOutcome, string)> ModbusAsync(CommandRecord record, CancellationToken stoppingToken)
    {
        var result = await _modbus!.WriteAsync(record.DeviceId, record.Channel, record.Value, stoppingToken);
        var outcome = result.Outcome switch
        {
            CommandWriteOutcome.Confirmed => CommandOutcome.Confirmed,
            CommandWriteOutcome.NotConfirmed => CommandOutcome.NotConfirmed,
            _ => CommandOutcome.Failed,
        };
        return (outcome, result.Detail);
    }

    private async Task<(CommandOutcome, string)> MqttAsync(CommandRecord record, CommandTarget target, CancellationToken stoppingToken)
    {
        if (_mqtt is null)
        {
            return (CommandOutcome.Failed, "device reports over MQTT, but MQTT is not set up on this platform");
        }

        // Listen before publishing, so a quick answer is not missed.
        FeedbackWaiters? waiters = null;
        Task<double>? confirmed = null;
        var expected = target.IsBoolean ? (record.Value != 0 ? 1 : 0) : record.Value;
        if (target.Feedback is { } feedback)
        {
            waiters = _waiters.GetOrAdd((record.DeviceId, feedback), _ => new FeedbackWaiters());
            confirmed = waiters.Add(expected, target.IsBoolean);
            Interlocked.Increment(ref _waiterCount);
        }

        try
        {
            try
            {
                using var publish = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                publish.CancelAfter(_options.MqttPublishTimeout);
                await _mqtt.PublishCommandAsync(target.Device.SiteId, record.DeviceId, record.Id, record.Channel, record.Value, target.IsBoolean, publish.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Not published: the command failed, with the reason.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                return (CommandOutcome.Failed, ex is OperationCanceledException
                    ? string.Create(CultureInfo.InvariantCulture, $"the broker did not acknowledge the command within {_options.MqttPublishTimeout.TotalSeconds:F1} s")
                    : $"not published: {ex.Message}");
            }

            if (confirmed is null)
            {
                return (CommandOutcome.Confirmed, "published (QoS 1, acknowledged by the broker); the model names no feedback channel");
            }

            try
            {
                var value = await confirmed.WaitAsync(_options.MqttReadBackTimeout, _time, stoppingToken);
                return (CommandOutcome.Confirmed, string.Create(CultureInfo.InvariantCulture, $"{target.Feedback} reported {value} after the command"));
            }
            catch (TimeoutException)
            {
                var last = waiters!.LastSeen is { } seen ? string.Create(CultureInfo.InvariantCulture, $"last reported {seen}") : "no reading received";
                return (CommandOutcome.NotConfirmed, string.Create(
                    CultureInfo.InvariantCulture,
                    $"published, but {target.Feedback} did not report {expected} within {_options.MqttReadBackTimeout.TotalSeconds:F1} s ({last})"));
            }
        }
        finally
        {
            if (confirmed is not null)
            {
                waiters!.Remove(confirmed);
                Interlocked.Decrement(ref _waiterCount);
            }
        }
    }

    private void Finish(CommandRecord record, Device? device, CommandOutcome outcome, string detail)
    {
        var done = record with { Outcome = outcome, Detail = detail, FinishedAt = _time.GetUtcNow() };
        Log.Finished(_logger, done.Id, done.DeviceId, done.Channel, done.Value, done.Source, outcome, detail);
        if (device is null && !_catalog.Registry.TryGetDevice(record.DeviceId, out device))
        {
            Record(done);
            return;
        }

        // The alarm goes first: whoever sees the outcome in the audit trail also finds its alarm.
        RaiseOrClear(device, outcome, done.FinishedAt!.Value);
        Record(done);
    }

    private void RaiseOrClear(Device device, CommandOutcome outcome, DateTimeOffset at)
    {
        try
        {
            if (outcome == CommandOutcome.Confirmed)
            {
                // Also clears an unconfirmed alarm restored from the journal after a restart (a clear of none is ignored).
                _alarms().Apply(new RuleTransition(RuleTransitionKind.Cleared, UnconfirmedRule, device, CommandChannel, 0, at));
            }
            else if (outcome is CommandOutcome.NotConfirmed or CommandOutcome.Failed)
            {
                _alarms().Apply(new RuleTransition(RuleTransitionKind.Raised, UnconfirmedRule, device, CommandChannel, 1, at));
            }
        }
#pragma warning disable CA1031 // The audit already has the outcome; a failing alarm observer must not lose it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.AlarmFailed(_logger, ex, device.Id);
        }
    }

    private void Record(CommandRecord record)
    {
        lock (_auditLock)
        {
            Hold(record);

            // Under the audit lock, so the journal has the changes of a command in the order the audit trail saw them.
            // Never waits for the disk.
            _journal?.Append(record);
        }

        foreach (var observer in _observers)
        {
            try
            {
                observer.OnCommandChanged(record);
            }
#pragma warning disable CA1031 // One failing observer must not stop commands or the others.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ObserverFailed(_logger, ex, record.Id);
            }
        }
    }

    private void Hold(CommandRecord record)
    {
        if (_byId.TryGetValue(record.Id, out var node))
        {
            node.Value = record;
        }
        else
        {
            _byId[record.Id] = _audit.AddLast(record);
            while (_audit.Count > _options.AuditCapacity && _audit.First is { } oldest)
            {
                _audit.RemoveFirst();
                _byId.Remove(oldest.Value.Id);
            }
        }
    }

    /// <summary>Before start: the journal's newest commands back into the audit trail; interrupted ones end as failed.</summary>
    private void Restore(CommandJournalState state)
    {
        _nextId = state.HighestId;
        var now = _time.GetUtcNow();
        lock (_auditLock)
        {
            foreach (var journaled in state.Records)
            {
                var record = journaled;
                if (record.Outcome == CommandOutcome.Pending)
                {
                    record = record with { Outcome = CommandOutcome.Failed, Detail = RestartedDetail, FinishedAt = now };
                    _journal!.Append(record);
                    _interrupted.Add(record);
                    Log.Interrupted(_logger, record.Id, record.DeviceId, record.Channel, record.Value, record.Source);
                }

                Hold(record);
            }
        }
    }

    /// <summary>Commands waiting for one feedback channel of one device.</summary>
    private sealed class FeedbackWaiters
    {
        private readonly Lock _lock = new();
        private readonly List<(double Expected, bool IsBoolean, TaskCompletionSource<double> Done)> _waiting = [];

        public double? LastSeen { get; private set; }

        public Task<double> Add(double expected, bool isBoolean)
        {
            var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _waiting.Add((expected, isBoolean, done));
            }

            return done.Task;
        }

        public void Remove(Task<double> task)
        {
            lock (_lock)
            {
                _waiting.RemoveAll(w => w.Done.Task == task);
            }
        }

        public void Offer(double value)
        {
            lock (_lock)
            {
                LastSeen = value;
                foreach (var (expected, isBoolean, done) in _waiting)
                {
                    if (isBoolean ? (value != 0) == (expected != 0) : Math.Abs(value - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)))
                    {
                        done.TrySetResult(value);
                    }
                }
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Command {Id} {DeviceId}.{Channel} = {Value} ({Source}): {Outcome}: {Detail}")]
        public static partial void Finished(ILogger logger, string id, string deviceId, string channel, double value, string source, CommandOutcome outcome, string detail);

        [LoggerMessage(EventId = 701, Level = LogLevel.Error, Message = "Command {Id} to {DeviceId} failed unexpectedly")]
        public static partial void Unexpected(ILogger logger, Exception exception, string id, string deviceId);

        [LoggerMessage(EventId = 702, Level = LogLevel.Error, Message = "A command observer failed on {Id}")]
        public static partial void ObserverFailed(ILogger logger, Exception exception, string id);

        [LoggerMessage(EventId = 703, Level = LogLevel.Error, Message = "Could not raise or clear the command-unconfirmed alarm of {DeviceId}")]
        public static partial void AlarmFailed(ILogger logger, Exception exception, string deviceId);

        [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "Command {Id} {DeviceId}.{Channel} = {Value} ({Source}) was pending when the server stopped: recorded as failed; check the equipment")]
        public static partial void Interrupted(ILogger logger, string id, string deviceId, string channel, double value, string source);
    }
}
