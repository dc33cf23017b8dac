using System.Collections.Concurrent;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// Turns anomaly transitions into <see cref="RuleTransition"/>s the alarm service already understands: one synthetic
/// <see cref="ThresholdRule"/> per kind, id <c>anomaly.{kind}</c>, <see cref="ThresholdRule.Kind"/> = the kind,
/// priority and message from <see cref="AnomalyOptions.Alarms"/>, direction <see cref="ThresholdDirection.OnTrue"/>
/// (so alarm DTOs carry no limit). The alarm key is sensor id + rule id, so each sensor gets at most one alarm per kind.
/// Device-level anomalies are put on <see cref="DeviceChannel"/> (sensor id <c>{device}.device</c>).
/// Thread-safe.
/// </summary>
public sealed class AnomalyRuleFactory
{
    /// <summary>Prefix of the synthetic rule ids.</summary>
    public const string RuleIdPrefix = "anomaly.";

    /// <summary><see cref="ThresholdRule.SensorType"/> of the synthetic rules: they apply to any sensor type.</summary>
    public const string AnySensorType = "*";

    /// <summary>Basis text of the synthetic rules.</summary>
    public const string Basis = "anomaly detector (domain.md §6); figures [M], configurable";

    private readonly AnomalyOptions _options;
    private readonly ConcurrentDictionary<string, ThresholdRule> _rules = new(StringComparer.Ordinal);

    /// <summary>Creates the factory; rules for the built-in kinds are built at once.</summary>
    public AnomalyRuleFactory(AnomalyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        foreach (var kind in AnomalyKinds.All)
        {
            _rules[kind] = Build(kind);
        }
    }

    /// <summary>The channel device-level anomalies (offline, seq gap) are reported on: <c>device</c>, boolean.</summary>
    public static Channel DeviceChannel { get; } =
        new("device", new SensorType("device", "Device", string.Empty, ChannelKind.Boolean, 0, 1, "device"), 0, 1);

    /// <summary>The synthetic rule of <paramref name="kind"/> (cached; unknown kinds get priority Low).</summary>
    public ThresholdRule RuleFor(string kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        return _rules.TryGetValue(kind, out var rule) ? rule : _rules.GetOrAdd(kind, static (k, self) => self.Build(k), this);
    }

    /// <summary>The rule transition the alarm service applies for <paramref name="transition"/>.</summary>
    public RuleTransition ToRuleTransition(AnomalyTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return new RuleTransition(
            transition.Change, RuleFor(transition.Kind), transition.Device, transition.Channel ?? DeviceChannel, transition.Value, transition.At);
    }

    private ThresholdRule Build(string kind)
    {
        _options.Alarms.TryGetValue(kind, out var alarm);
        return new ThresholdRule
        {
            Id = RuleIdPrefix + kind,
            SensorType = AnySensorType,
            Kind = kind,
            Direction = ThresholdDirection.OnTrue,
            Priority = alarm?.Priority ?? AlarmPriority.Low,
            Message = string.IsNullOrWhiteSpace(alarm?.Message) ? kind : alarm.Message,
            Basis = Basis,
        };
    }
}
