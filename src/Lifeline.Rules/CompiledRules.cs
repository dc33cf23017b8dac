using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Rules;

/// <summary>
/// A rule set resolved against the devices of the registry: one state per (sensor, effective rule). Built by
/// <see cref="RuleEngine.Compile"/> on any thread; taken into use once by <see cref="RuleEngine.Swap(CompiledRules, DateTimeOffset, List{RuleTransition})"/>.
/// Its structure never changes after that (only the states it holds do, under the engine's lock).
/// </summary>
public sealed class CompiledRules
{
    // Keyed by device, then channel: the hot path looks readings up without building a sensor-id string.
    private readonly Dictionary<string, Dictionary<string, ThresholdState[]>> _byDevice;
    private readonly List<EffectiveRule> _disabled;
    private int _used;

    internal CompiledRules(RuleSet rules, Dictionary<string, Dictionary<string, ThresholdState[]>> byDevice, List<EffectiveRule> disabled)
    {
        Rules = rules;
        _byDevice = byDevice;
        _disabled = disabled;
        SensorsWithRules = byDevice.Values.Sum(c => c.Count);
        RuleInstances = byDevice.Values.Sum(c => c.Values.Sum(s => s.Length));
    }

    /// <summary>The rules and overrides this set was compiled from.</summary>
    public RuleSet Rules { get; }

    /// <summary>How many sensors have at least one rule.</summary>
    public int SensorsWithRules { get; }

    /// <summary>How many (sensor, rule) pairs are evaluated.</summary>
    public int RuleInstances { get; }

    /// <summary>Every (sensor, effective rule) pair evaluated, by device and channel.</summary>
    public IEnumerable<EffectiveRule> Effective =>
        _byDevice.Values.SelectMany(c => c.Values).SelectMany(s => s).Select(s => new EffectiveRule(s.Device, s.Channel, s.Rule));

    /// <summary>The (sensor, rule) pairs an override disables (the rule as defined per sensor type).</summary>
    public IReadOnlyList<EffectiveRule> Disabled => _disabled;

    /// <summary>The effective rules of one sensor (<c>{device}.{channel}</c>); empty when it has none.</summary>
    public IReadOnlyList<EffectiveRule> For(string sensorId)
    {
        ArgumentNullException.ThrowIfNull(sensorId);
        return SensorIds.TrySplit(sensorId, out var device, out var channel) && TryGet(device, channel, out var states)
            ? states.Select(s => new EffectiveRule(s.Device, s.Channel, s.Rule)).ToList()
            : [];
    }

    internal IEnumerable<ThresholdState[]> AllStates => _byDevice.Values.SelectMany(c => c.Values);

    internal bool TryGet(string deviceId, string channel, out ThresholdState[] states)
    {
        if (_byDevice.TryGetValue(deviceId, out var channels) && channels.TryGetValue(channel, out var found))
        {
            states = found;
            return true;
        }

        states = [];
        return false;
    }

    /// <summary>Marks the set as in use; a set is taken into use once (its states are live).</summary>
    internal void Claim()
    {
        if (Interlocked.Exchange(ref _used, 1) != 0)
        {
            throw new InvalidOperationException("This compiled rule set is already in use; compile the rule set again to swap it in.");
        }
    }
}
