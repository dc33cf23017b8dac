using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules;

/// <summary>
/// Evaluates the registry's threshold rules on the live stream. Pure: no I/O, time is passed in.
/// Thread-safe: readings of different sensors may arrive from several threads.
/// </summary>
public sealed class RuleEngine
{
    // Keyed by device, then channel: the hot path looks readings up without building a sensor-id string.
    private readonly Dictionary<string, Dictionary<string, ThresholdState[]>> _byDevice = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public RuleEngine(AssetRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var rulesByType = registry.Rules.ToLookup(r => r.SensorType, StringComparer.Ordinal);
        foreach (var device in registry.Devices)
        {
            var channels = new Dictionary<string, ThresholdState[]>(StringComparer.Ordinal);
            foreach (var channel in device.Channels)
            {
                var states = rulesByType[channel.Type.Id]
                    .Where(r => r.AppliesTo(device))
                    .Select(r => new ThresholdState(r, device, channel))
                    .ToArray();
                if (states.Length > 0)
                {
                    channels[channel.Name] = states;
                }
            }

            if (channels.Count > 0)
            {
                _byDevice[device.Id] = channels;
            }
        }

        SensorsWithRules = _byDevice.Values.Sum(c => c.Count);
        RuleInstances = _byDevice.Values.Sum(c => c.Values.Sum(s => s.Length));
    }

    /// <summary>How many sensors have at least one rule.</summary>
    public int SensorsWithRules { get; }

    /// <summary>How many (sensor, rule) pairs are evaluated.</summary>
    public int RuleInstances { get; }

    /// <summary>Evaluates every rule of the reading's sensor; appends transitions to <paramref name="output"/>.</summary>
    public void Evaluate(in Reading reading, DateTimeOffset now, List<RuleTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_byDevice.TryGetValue(reading.DeviceId, out var channels) || !channels.TryGetValue(reading.Channel, out var states))
        {
            return;
        }

        lock (_gate)
        {
            foreach (var state in states)
            {
                if (state.OnValue(reading.Value, now) is { } transition)
                {
                    output.Add(transition);
                }
            }
        }
    }

    /// <summary>Lets on- and off-delays expire for sensors that have not reported since.</summary>
    public void EvaluateTimers(DateTimeOffset now, List<RuleTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            foreach (var channels in _byDevice.Values)
            {
                foreach (var states in channels.Values)
                {
                    foreach (var state in states)
                    {
                        if (state.IsPending && state.OnTime(now) is { } transition)
                        {
                            output.Add(transition);
                        }
                    }
                }
            }
        }
    }
}
