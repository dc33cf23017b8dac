using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.CommandMismatch"/> for one command/feedback pair of one device (both boolean, ≥ 0.5 is on).
/// When the command is on (or off, with <see cref="CommandMismatchSettings.CheckOff"/>) and the feedback disagrees —
/// or has never been seen — for the timeout, it is raised, on the feedback channel. Agreement clears it (with hysteresis,
/// counted in readings of either channel). Times are arrival times (<c>now</c>), so the timer pass compares like with like.
/// </summary>
public sealed class CommandMismatchDetector : ITimedAnomalyDetector
{
    private readonly Device _device;
    private readonly Channel _command;
    private readonly Channel _feedback;
    private readonly CommandMismatchConfig _config;
    private AlarmLatch _latch;
    private bool _commandKnown;
    private bool _commandOn;
    private bool _feedbackKnown;
    private bool _feedbackOn;
    private bool _pending;
    private DateTimeOffset _pendingSince;

    /// <summary>Creates the detector for one pair; <paramref name="pair"/> may override the timeout and CheckOff.</summary>
    public CommandMismatchDetector(Device device, Channel command, Channel feedback, CommandFeedbackPair pair, AnomalyOptions options)
        : this(device, command, feedback, AnomalySettingsResolver.CommandMismatch(options, pair ?? throw new ArgumentNullException(nameof(pair))))
    {
    }

    internal CommandMismatchDetector(Device device, Channel command, Channel feedback, CommandMismatchConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(feedback);
        _device = device;
        _command = command;
        _feedback = feedback;
        _config = config;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.CommandMismatch;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <summary>The command channel.</summary>
    public Channel Command => _command;

    /// <summary>The feedback channel (the channel of the transitions).</summary>
    public Channel Feedback => _feedback;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var on = reading.Value >= 0.5;
        if (string.Equals(reading.Channel, _command.Name, StringComparison.Ordinal))
        {
            _commandKnown = true;
            _commandOn = on;
        }
        else if (string.Equals(reading.Channel, _feedback.Name, StringComparison.Ordinal))
        {
            _feedbackKnown = true;
            _feedbackOn = on;
        }
        else
        {
            return;
        }

        if (!_commandKnown)
        {
            return;
        }

        var agrees = (!_commandOn && !_config.CheckOff) || (_feedbackKnown && _feedbackOn == _commandOn);
        if (agrees)
        {
            _pending = false;
            if (_latch.ObserveClear(now, _config.Clear))
            {
                output.Add(Transition(RuleTransitionKind.Cleared, now, "feedback follows the command"));
            }

            return;
        }

        _latch.Hold();
        if (!_pending)
        {
            _pending = true;
            _pendingSince = now;
        }

        EvaluateTimers(now, output);
    }

    /// <inheritdoc />
    public void EvaluateTimers(DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_pending || _latch.Active || now - _pendingSince < _config.Timeout)
        {
            return;
        }

        _latch.Raise();
        var detail = string.Create(
            CultureInfo.InvariantCulture,
            $"{_command.Name} {(_commandOn ? "on" : "off")}, {_feedback.Name} {(_feedbackKnown ? (_feedbackOn ? "on" : "off") : "unknown")} for {(now - _pendingSince).TotalSeconds:0.###} s");
        output.Add(Transition(RuleTransitionKind.Raised, now, detail));
    }

    private AnomalyTransition Transition(RuleTransitionKind kind, DateTimeOffset at, string detail) =>
        new(Kind, kind, _device, _feedback, _feedbackKnown && _feedbackOn ? 1 : 0, at, detail);
}
