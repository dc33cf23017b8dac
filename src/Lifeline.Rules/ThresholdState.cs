using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Rules;

/// <summary>
/// The state of one rule on one sensor: normal → pending on-delay → active → pending off-delay → normal.
/// Not thread-safe; the <see cref="RuleEngine"/> serialises access.
/// </summary>
internal sealed class ThresholdState(ThresholdRule rule, Device device, Channel channel)
{
    private Phase _phase = Phase.Normal;
    private DateTimeOffset _since;
    private double _lastValue;

    private enum Phase
    {
        Normal,
        PendingOn,
        Active,
        PendingOff,
    }

    public ThresholdRule Rule { get; } = rule;

    public Device Device { get; } = device;

    public Channel Channel { get; } = channel;

    public bool IsActive => _phase is Phase.Active or Phase.PendingOff;

    /// <summary>True while a delay is running, so the engine's timer pass must look at it.</summary>
    public bool IsPending => _phase is Phase.PendingOn or Phase.PendingOff;

    public RuleTransition? OnValue(double value, DateTimeOffset now)
    {
        _lastValue = value;
        switch (_phase)
        {
            case Phase.Normal when ThresholdEvaluator.IsViolated(Rule, value):
                if (Rule.OnDelay <= TimeSpan.Zero)
                {
                    _phase = Phase.Active;
                    return Transition(RuleTransitionKind.Raised, now);
                }

                _phase = Phase.PendingOn;
                _since = now;
                return null;
            case Phase.PendingOn:
                if (!ThresholdEvaluator.IsViolated(Rule, value))
                {
                    _phase = Phase.Normal;
                    return null;
                }

                return OnTime(now);
            case Phase.Active when ThresholdEvaluator.IsClear(Rule, value):
                if (Rule.OffDelay <= TimeSpan.Zero)
                {
                    _phase = Phase.Normal;
                    return Transition(RuleTransitionKind.Cleared, now);
                }

                _phase = Phase.PendingOff;
                _since = now;
                return null;
            case Phase.PendingOff:
                if (!ThresholdEvaluator.IsClear(Rule, value))
                {
                    _phase = Phase.Active;
                    return null;
                }

                return OnTime(now);
            default:
                return null;
        }
    }

    /// <summary>Takes over the phase, timer and last value of the same rule's state under the previous rule set.</summary>
    public void CarryOver(ThresholdState previous)
    {
        _phase = previous._phase;
        _since = previous._since;
        _lastValue = previous._lastValue;
    }

    /// <summary>Marks the alarm as raised (restored after a restart); a state already active is left as it is.</summary>
    public void Restore()
    {
        if (!IsActive)
        {
            _phase = Phase.Active;
        }
    }

    /// <summary>
    /// The rule no longer applies in this form: an active alarm is cleared with <paramref name="reason"/> (null when there
    /// is none), so no alarm is left without a rule that could ever clear it.
    /// </summary>
    public RuleTransition? Retire(DateTimeOffset now, string reason)
    {
        var wasActive = IsActive;
        _phase = Phase.Normal;
        return wasActive ? Transition(RuleTransitionKind.Cleared, now) with { Reason = reason } : null;
    }

    /// <summary>Lets a running on- or off-delay expire without a new reading.</summary>
    public RuleTransition? OnTime(DateTimeOffset now)
    {
        if (_phase == Phase.PendingOn && now - _since >= Rule.OnDelay)
        {
            _phase = Phase.Active;
            return Transition(RuleTransitionKind.Raised, now);
        }

        if (_phase == Phase.PendingOff && now - _since >= Rule.OffDelay)
        {
            _phase = Phase.Normal;
            return Transition(RuleTransitionKind.Cleared, now);
        }

        return null;
    }

    private RuleTransition Transition(RuleTransitionKind kind, DateTimeOffset at) => new(kind, Rule, Device, Channel, _lastValue, at);
}
