namespace Lifeline.Simulation.Signals;

/// <summary>
/// What the simulated devices were commanded to do, shared by every transport (MQTT commands, Modbus writes): per device
/// and channel, the commanded values in order with the simulated time each takes effect. A commanded channel shows the
/// last value commanded at or before the sampled time and holds it until commanded again. Commands are inputs of the
/// simulation: the same commands effective at the same times give the same values. Thread-safe.
/// </summary>
public sealed class EquipmentState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, List<(DateTimeOffset At, double Value)>>> _commands = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>Commands recorded so far.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Records that <paramref name="channel"/> of <paramref name="deviceId"/> shows <paramref name="value"/> (booleans as 1/0)
    /// from <paramref name="effectiveAt"/> on. A command effective before a later one already recorded is inserted in time order.
    /// </summary>
    public void Command(string deviceId, string channel, double value, DateTimeOffset effectiveAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        lock (_lock)
        {
            if (!_commands.TryGetValue(deviceId, out var channels))
            {
                channels = new Dictionary<string, List<(DateTimeOffset, double)>>(StringComparer.Ordinal);
                _commands[deviceId] = channels;
            }

            if (!channels.TryGetValue(channel, out var history))
            {
                history = [];
                channels[channel] = history;
            }

            var i = history.Count;
            while (i > 0 && history[i - 1].At > effectiveAt)
            {
                i--;
            }

            history.Insert(i, (effectiveAt, value));
            _count++;
        }
    }

    /// <summary>The value commanded for the channel as of <paramref name="time"/>, or false when it was not commanded by then.</summary>
    public bool TryGetCommanded(string deviceId, string channel, DateTimeOffset time, out double value)
    {
        value = 0;
        if (Count == 0)
        {
            return false;
        }

        lock (_lock)
        {
            if (!_commands.TryGetValue(deviceId, out var channels) || !channels.TryGetValue(channel, out var history))
            {
                return false;
            }

            for (var i = history.Count - 1; i >= 0; i--)
            {
                if (history[i].At <= time)
                {
                    value = history[i].Value;
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Seconds within [<paramref name="from"/>, <paramref name="to"/>] during which at least one of the commanded channels
    /// selected by <paramref name="isRunning"/> (device, channel) of <paramref name="deviceIds"/> was commanded on (≥ 0.5).
    /// </summary>
    internal double RunningSeconds(IReadOnlyList<string> deviceIds, Func<string, bool> isRunning, DateTimeOffset from, DateTimeOffset to)
    {
        if (Count == 0 || to <= from)
        {
            return 0;
        }

        var events = new List<(DateTimeOffset At, int Key, bool On)>();
        lock (_lock)
        {
            var key = 0;
            foreach (var deviceId in deviceIds)
            {
                if (!_commands.TryGetValue(deviceId, out var channels))
                {
                    continue;
                }

                foreach (var (channel, history) in channels)
                {
                    if (!isRunning(channel))
                    {
                        continue;
                    }

                    events.AddRange(history.Select(h => (h.At, key, h.Value >= 0.5)));
                    key++;
                }
            }
        }

        if (events.Count == 0)
        {
            return 0;
        }

        // Sweep the changes in time order (stable, so a later command at the same instant wins), counting the time any runs.
        var ordered = events.Select((e, n) => (e, n)).OrderBy(x => x.e.At).ThenBy(x => x.n).Select(x => x.e);
        var on = new Dictionary<int, bool>();
        var running = 0;
        var total = 0.0;
        var last = from;
        foreach (var (at, key, value) in ordered)
        {
            var clipped = at < from ? from : at > to ? to : at;
            if (running > 0)
            {
                total += (clipped - last).TotalSeconds;
            }

            last = clipped;
            var was = on.TryGetValue(key, out var w) && w;
            if (was != value)
            {
                running += value ? 1 : -1;
                on[key] = value;
            }
        }

        if (running > 0)
        {
            total += (to - last).TotalSeconds;
        }

        return total;
    }
}
