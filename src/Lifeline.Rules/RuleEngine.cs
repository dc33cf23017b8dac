using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules;

/// <summary>
/// Evaluates the registry's threshold rules on the live stream, each sensor against its effective rules (the rules
/// per sensor type with the overrides for its site, tunnel, cabin, zone or device). Pure: no I/O, time is passed in.
/// Thread-safe: readings of different sensors may arrive from several threads, and <see cref="Swap(RuleSet, DateTimeOffset, List{RuleTransition})"/>
/// replaces the whole rule set under the same lock, so no reading is evaluated against half a rule set.
/// </summary>
public sealed class RuleEngine
{
    /// <summary>The reason of the cleared transition for an active alarm whose rule a swap changed on its sensor.</summary>
    public const string RuleChangedReason = "rule changed by a rule reload";

    /// <summary>The reason of the cleared transition for an active alarm whose rule a swap removed.</summary>
    public const string RuleRemovedReason = "rule removed by a rule reload";

    /// <summary>The reason of the cleared transition for an active alarm whose rule a swap disabled on its sensor.</summary>
    public const string RuleDisabledReason = "rule disabled for this sensor by a rule reload";

    private readonly AssetRegistry _registry;
    private readonly Lock _gate = new();
    private CompiledRules _current;

    /// <summary>An engine over the registry's rules and overrides as loaded.</summary>
    public RuleEngine(AssetRegistry registry)
        : this(registry, registry?.RuleSet ?? throw new ArgumentNullException(nameof(registry)))
    {
    }

    /// <summary>An engine over the registry's devices with another rule set.</summary>
    public RuleEngine(AssetRegistry registry, RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _current = Compile(rules);
        _current.Claim();
    }

    /// <summary>The rule set in force.</summary>
    public CompiledRules Current => Volatile.Read(ref _current);

    /// <summary>How many sensors have at least one rule.</summary>
    public int SensorsWithRules => Current.SensorsWithRules;

    /// <summary>How many (sensor, rule) pairs are evaluated.</summary>
    public int RuleInstances => Current.RuleInstances;

    /// <summary>
    /// Resolves a rule set against the registry's devices: per sensor, every rule of its type that applies to the device
    /// and is not disabled there, with the overrides' values. Does not touch the engine; call on any thread.
    /// </summary>
    public CompiledRules Compile(RuleSet rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var rulesByType = rules.Rules.ToLookup(r => r.SensorType, StringComparer.Ordinal);
        var byDevice = new Dictionary<string, Dictionary<string, ThresholdState[]>>(StringComparer.Ordinal);
        var disabled = new List<EffectiveRule>();
        foreach (var device in _registry.Devices)
        {
            var channels = new Dictionary<string, ThresholdState[]>(StringComparer.Ordinal);
            foreach (var channel in device.Channels)
            {
                var states = new List<ThresholdState>();
                foreach (var rule in rulesByType[channel.Type.Id])
                {
                    if (rules.Resolve(rule, device) is { } effective)
                    {
                        states.Add(new ThresholdState(effective, device, channel));
                    }
                    else if (rule.AppliesTo(device))
                    {
                        disabled.Add(new EffectiveRule(device, channel, rule));
                    }
                }

                if (states.Count > 0)
                {
                    channels[channel.Name] = [.. states];
                }
            }

            if (channels.Count > 0)
            {
                byDevice[device.Id] = channels;
            }
        }

        return new CompiledRules(rules, byDevice, disabled);
    }

    /// <summary>Evaluates every rule of the reading's sensor; appends transitions to <paramref name="output"/>.</summary>
    public void Evaluate(in Reading reading, DateTimeOffset now, List<RuleTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            if (!_current.TryGet(reading.DeviceId, reading.Channel, out var states))
            {
                return;
            }

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
            foreach (var states in _current.AllStates)
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

    /// <summary>Compiles <paramref name="rules"/> and swaps it in; see <see cref="Swap(CompiledRules, DateTimeOffset, List{RuleTransition})"/>.</summary>
    public RuleSetChange Swap(RuleSet rules, DateTimeOffset now, List<RuleTransition> output) => Swap(Compile(rules), now, output);

    /// <summary>
    /// Replaces the rule set in force, atomically with respect to <see cref="Evaluate"/> and <see cref="EvaluateTimers"/>.
    /// A (sensor, rule) instance whose effective definition did not change keeps its state (active, on- and off-delay
    /// timers). One that changed, was disabled or was removed starts again at normal: when its alarm was active a
    /// cleared transition with the reason is appended to <paramref name="output"/>, and the next reading raises it
    /// again if it still violates the (new) rule.
    /// </summary>
    public RuleSetChange Swap(CompiledRules next, DateTimeOffset now, List<RuleTransition> output)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            next.Claim();
            var previous = _current;
            var touched = new HashSet<string>(StringComparer.Ordinal);
            int unchanged = 0, reset = 0, cleared = 0;
            foreach (var states in previous.AllStates)
            {
                var channel = states[0].Channel;
                next.TryGet(states[0].Device.Id, channel.Name, out var successors);
                foreach (var state in states)
                {
                    var successor = Array.Find(successors, s => string.Equals(s.Rule.Id, state.Rule.Id, StringComparison.Ordinal));
                    if (successor is not null && SameDefinition(state.Rule, successor.Rule))
                    {
                        successor.CarryOver(state);
                        unchanged++;
                        continue;
                    }

                    touched.Add(state.Rule.Id);
                    reset++;
                    var reason = successor is not null ? RuleChangedReason
                        : next.Rules.TryGetRule(state.Rule.Id, out _) ? RuleDisabledReason
                        : RuleRemovedReason;
                    if (state.Retire(now, reason) is { } transition)
                    {
                        output.Add(transition);
                        cleared++;
                    }
                }
            }

            // Instances that are new on a sensor (an override enabled the rule there, or the filters widened).
            foreach (var states in next.AllStates)
            {
                previous.TryGet(states[0].Device.Id, states[0].Channel.Name, out var predecessors);
                foreach (var state in states)
                {
                    if (!Array.Exists(predecessors, p => string.Equals(p.Rule.Id, state.Rule.Id, StringComparison.Ordinal)))
                    {
                        touched.Add(state.Rule.Id);
                    }
                }
            }

            var before = previous.Rules.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var after = next.Rules.Rules.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            var changed = next.Rules.Rules
                .Where(r => before.Contains(r.Id)
                    && (touched.Contains(r.Id) || (previous.Rules.TryGetRule(r.Id, out var old) && !SameDefinition(old, r))))
                .Select(r => r.Id)
                .ToList();
            Volatile.Write(ref _current, next);
            return new RuleSetChange(
                next.Rules.Rules.Where(r => !before.Contains(r.Id)).Select(r => r.Id).ToList(),
                previous.Rules.Rules.Where(r => !after.Contains(r.Id)).Select(r => r.Id).ToList(),
                changed,
                unchanged,
                reset,
                cleared);
        }
    }

    /// <summary>
    /// Marks these (sensor, rule) instances as active, e.g. for the alarms restored from disk after a restart, so that
    /// the engine clears them when the value returns to normal instead of staying silent. Instances already active are
    /// left as they are.
    /// </summary>
    /// <returns>The pairs that match no rule instance in force (unknown sensor or rule, or the rule is disabled there).</returns>
    public IReadOnlyList<(string SensorId, string RuleId)> RestoreActive(IEnumerable<(string SensorId, string RuleId)> active)
    {
        ArgumentNullException.ThrowIfNull(active);
        var unmatched = new List<(string SensorId, string RuleId)>();
        lock (_gate)
        {
            foreach (var (sensorId, ruleId) in active)
            {
                var state = SensorIds.TrySplit(sensorId, out var device, out var channel) && _current.TryGet(device, channel, out var states)
                    ? Array.Find(states, s => string.Equals(s.Rule.Id, ruleId, StringComparison.Ordinal))
                    : null;
                if (state is null)
                {
                    unmatched.Add((sensorId, ruleId));
                    continue;
                }

                state.Restore();
            }
        }

        return unmatched;
    }

    /// <summary>
    /// Whether two versions of a rule raise and clear the same alarm: everything but the documentation (basis) and the
    /// filters (which decide where an instance exists, not how it behaves).
    /// </summary>
    private static bool SameDefinition(ThresholdRule a, ThresholdRule b) =>
        string.Equals(a.Id, b.Id, StringComparison.Ordinal)
        && string.Equals(a.SensorType, b.SensorType, StringComparison.Ordinal)
        && string.Equals(a.Kind, b.Kind, StringComparison.Ordinal)
        && a.Direction == b.Direction
        && a.Limit.Equals(b.Limit)
        && a.Priority == b.Priority
        && a.Deadband.Equals(b.Deadband)
        && a.OnDelay == b.OnDelay
        && a.OffDelay == b.OffDelay
        && a.LifeSafety == b.LifeSafety
        && string.Equals(a.Message, b.Message, StringComparison.Ordinal);
}
