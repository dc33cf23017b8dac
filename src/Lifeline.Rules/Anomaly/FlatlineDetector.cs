using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.Flatline"/>: a run of readings within <see cref="FlatlineSettings.Epsilon"/> of its first value
/// lasted <see cref="FlatlineSettings.Readings"/> further readings or <see cref="FlatlineSettings.Duration"/> (reading
/// time). With <see cref="FlatlineSettings.NormallyZero"/>, a run near zero never raises. Clears after
/// <see cref="DetectorSettings.ClearSamples"/> consecutive readings away from the stuck value.
/// </summary>
public sealed class FlatlineDetector : IAnomalyDetector
{
    private readonly Device _device;
    private readonly Channel _channel;
    private readonly FlatlineConfig _config;
    private AlarmLatch _latch;
    private bool _hasRun;
    private double _runValue;
    private DateTimeOffset _runStart;
    private long _repeats;
    private double _stuckValue;

    /// <summary>Creates the detector for one sensor with the settings <paramref name="options"/> resolve for its type.</summary>
    public FlatlineDetector(Device device, Channel channel, AnomalyOptions options)
        : this(device, channel, AnomalySettingsResolver.Flatline(options, channel))
    {
    }

    internal FlatlineDetector(Device device, Channel channel, FlatlineConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        _device = device;
        _channel = channel;
        _config = config;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.Flatline;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var value = reading.Value;
        var at = reading.Timestamp;
        if (_latch.Active)
        {
            if (Math.Abs(value - _stuckValue) > _config.Epsilon)
            {
                if (_latch.ObserveClear(at, _config.Clear))
                {
                    output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, _channel, value, at, "value moving again"));
                }
            }
            else
            {
                _latch.Hold();
            }
        }

        if (!_hasRun || Math.Abs(value - _runValue) > _config.Epsilon)
        {
            _hasRun = true;
            _runValue = value;
            _runStart = at;
            _repeats = 0;
            return;
        }

        _repeats++;
        if (_latch.Active || (_config.NormallyZero && Math.Abs(_runValue) <= _config.ZeroBand))
        {
            return;
        }

        var lasted = at - _runStart;
        var stuck = (_config.Readings > 0 && _repeats >= _config.Readings)
            || (_config.Duration > TimeSpan.Zero && lasted >= _config.Duration);
        if (stuck && _latch.Raise())
        {
            _stuckValue = _runValue;
            var detail = string.Create(CultureInfo.InvariantCulture, $"unchanged at {_runValue:G6} for {_repeats + 1} readings ({lasted.TotalSeconds:0.###} s)");
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, _channel, value, at, detail));
        }
    }
}
