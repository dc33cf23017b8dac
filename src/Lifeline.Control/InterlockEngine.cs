using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Microsoft.Extensions.Logging;

namespace Lifeline.Control;

/// <summary>
/// Starts interlocks from alarm transitions. On a raise (the condition of an alarm of a trigger rule becoming active:
/// new, or back after it cleared; never a repeat of a transition already seen; whatever its annunciation state) it finds the target devices by the interlock's scope and hands one command per device and
/// output to the <see cref="CommandService"/>, which only queues them: the alarm service's lock is never held up. When
/// the condition clears, an interlock with <c>on_clear: revert</c> reverses its run/stop outputs, but only those that no
/// other active alarm still holds (two gas alarms in neighbouring zones keep their shared fans running until both clear).
/// </summary>
public sealed partial class InterlockEngine : IAlarmObserver
{
    private readonly IReadOnlyList<InterlockRule> _interlocks;
    private readonly Dictionary<string, List<InterlockRule>> _byRule = new(StringComparer.Ordinal);
    private readonly CommandService _commands;
    private readonly AssetRegistry _registry;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ActiveAlarm> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Device, string Channel), HashSet<string>> _holds = [];
    private long _lastSeq;

    /// <summary>Creates the engine over the loaded interlocks.</summary>
    public InterlockEngine(IReadOnlyList<InterlockRule> interlocks, CommandService commands, ILogger<InterlockEngine> logger)
    {
        ArgumentNullException.ThrowIfNull(interlocks);
        ArgumentNullException.ThrowIfNull(commands);
        _interlocks = interlocks;
        _commands = commands;
        _registry = commands.Catalog.Registry;
        _logger = logger;
        foreach (var interlock in interlocks)
        {
            foreach (var rule in interlock.Rules)
            {
                if (!_byRule.TryGetValue(rule, out var list))
                {
                    _byRule[rule] = list = [];
                }

                list.Add(interlock);
            }
        }
    }

    /// <summary>The interlocks in force.</summary>
    public IReadOnlyList<InterlockRule> Interlocks => _interlocks;

    /// <inheritdoc />
    public void OnAlarmChanged(AlarmDto change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!_byRule.TryGetValue(change.RuleId, out var interlocks))
        {
            return;
        }

        lock (_lock)
        {
            if (change.Seq <= _lastSeq)
            {
                return; // a transition seen already
            }

            _lastSeq = change.Seq;
            var state = Enum.TryParse<AlarmState>(change.State, out var parsed) ? parsed : AlarmState.Normal;
            _active.TryGetValue(change.Id, out var known);
            if (change.ConditionActive)
            {
                // The process condition, not its annunciation: a shelved or acknowledged alarm still drives its interlock.
                if (known is { ConditionActive: true })
                {
                    return;
                }

                Raise(change, interlocks, known);
            }
            else if (known is { ConditionActive: true })
            {
                Clear(change, known);
            }

            if (state == AlarmState.Normal)
            {
                _active.Remove(change.Id);
            }
        }
    }

    private void Raise(AlarmDto alarm, List<InterlockRule> interlocks, ActiveAlarm? known)
    {
        if (!_registry.TryGetDevice(alarm.DeviceId, out var source))
        {
            return;
        }

        var active = known ?? new ActiveAlarm();
        active.ConditionActive = true;
        _active[alarm.Id] = active;
        foreach (var interlock in interlocks)
        {
            if (!interlock.AppliesTo(source))
            {
                continue;
            }

            var reason = $"alarm {alarm.Id} {alarm.RuleId} on {alarm.SensorId} ({alarm.Message})";
            var sent = 0;
            foreach (var device in Targets(interlock.Scope, source))
            {
                foreach (var action in interlock.Then)
                {
                    if (!_commands.Catalog.TryGetTarget(device, action.Channel, out _))
                    {
                        continue;
                    }

                    if (interlock.OnClear == InterlockClear.Revert && action.IsBoolean)
                    {
                        var key = (device.Id, action.Channel);
                        if (!_holds.TryGetValue(key, out var holders))
                        {
                            _holds[key] = holders = new HashSet<string>(StringComparer.Ordinal);
                        }

                        var holder = $"{alarm.Id}|{interlock.Id}";
                        holders.Add(holder);
                        active.Holds.Add((key, holder, action));
                    }

                    Send(new CommandRequest(device.Id, action.Channel, action.Value, reason, interlock.Id, AlarmId: alarm.Id));
                    sent++;
                }
            }

            Log.Triggered(_logger, interlock.Id, alarm.Id, alarm.RuleId, alarm.DeviceId, sent);
        }
    }

    private void Clear(AlarmDto alarm, ActiveAlarm active)
    {
        active.ConditionActive = false;
        foreach (var (key, holder, action) in active.Holds)
        {
            if (!_holds.TryGetValue(key, out var holders))
            {
                continue;
            }

            holders.Remove(holder);
            if (holders.Count > 0)
            {
                continue;
            }

            _holds.Remove(key);
            var interlockId = holder[(holder.IndexOf('|', StringComparison.Ordinal) + 1)..];
            var reason = $"alarm {alarm.Id} {alarm.RuleId} on {alarm.SensorId} cleared (on_clear: revert)";
            Send(new CommandRequest(key.Device, key.Channel, action.Value != 0 ? 0 : 1, reason, interlockId, AlarmId: alarm.Id));
        }

        active.Holds.Clear();
    }

    private void Send(CommandRequest request)
    {
        try
        {
            _commands.Submit(request);
        }
        catch (CommandRejectedException ex)
        {
            Log.Rejected(_logger, request.InterlockId ?? string.Empty, request.DeviceId, request.Channel, ex.Message);
        }
    }

    private IEnumerable<Device> Targets(InterlockScope scope, Device source)
    {
        if (scope == InterlockScope.Device || source.Location.ZoneId is not { } zoneId || !_registry.TryGetZone(zoneId, out var zone))
        {
            return [source];
        }

        var zones = scope == InterlockScope.ZoneAndNeighbours ? [zone, .. _registry.NeighboursOf(zoneId)] : new List<FireZone> { zone };
        return zones.OrderBy(z => z.Index).SelectMany(z => z.Devices);
    }

    private sealed class ActiveAlarm
    {
        public bool ConditionActive { get; set; }

        public List<((string Device, string Channel) Key, string Holder, InterlockAction Action)> Holds { get; } = [];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 710, Level = LogLevel.Warning, Message = "Interlock {InterlockId} triggered by alarm {AlarmId} ({RuleId} on {DeviceId}): {Commands} commands queued")]
        public static partial void Triggered(ILogger logger, string interlockId, string alarmId, string ruleId, string deviceId, int commands);

        [LoggerMessage(EventId = 711, Level = LogLevel.Error, Message = "Interlock {InterlockId}: command {DeviceId}.{Channel} refused: {Reason}")]
        public static partial void Rejected(ILogger logger, string interlockId, string deviceId, string channel, string reason);
    }
}
