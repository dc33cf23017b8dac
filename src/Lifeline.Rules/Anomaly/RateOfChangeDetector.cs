using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.RateOfChange"/>: |Δvalue/Δt| between consecutive readings (reading timestamps) exceeds the
/// limit. Δt counts at least the device's expected interval: a device's values change in steps at its update rate, so
/// two polls a few milliseconds apart that straddle one step must not read as a huge rate. Readings that are not newer
/// than the previous one are ignored. Clears after
/// <see cref="DetectorSettings.ClearSamples"/> readings within the limit.
/// </summary>
public sealed class RateOfChangeDetector : IAnomalyDetector
{
    private readonly Device _device;
    private readonly Channel _channel;
    private readonly ClearPolicy _clear;
    private AlarmLatch _latch;
    private bool _hasPrevious;
    private double _previousValue;
    private DateTimeOffset _previousAt;

    /// <summary>Creates the detector for one sensor with the settings <paramref name="options"/> resolve for its type.</summary>
    public RateOfChangeDetector(Device device, Channel channel, AnomalyOptions options)
        : this(device, channel, AnomalySettingsResolver.RateOfChange(options, channel))
    {
    }

    internal RateOfChangeDetector(Device device, Channel channel, RateOfChangeConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        _device = device;
        _channel = channel;
        _clear = config.Clear;
        MaxRatePerSecond = config.MaxRatePerSecond;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.RateOfChange;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <summary>The resolved limit, in the channel's unit per second.</summary>
    public double MaxRatePerSecond { get; }

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var value = reading.Value;
        var at = reading.Timestamp;
        if (!_hasPrevious)
        {
            _hasPrevious = true;
            _previousValue = value;
            _previousAt = at;
            return;
        }

        var seconds = (at - _previousAt).TotalSeconds;
        if (seconds <= 0)
        {
            return;
        }

        seconds = Math.Max(seconds, _device.ExpectedInterval.TotalSeconds);
        var delta = value - _previousValue;
        var rate = Math.Abs(delta) / seconds;
        _previousValue = value;
        _previousAt = at;
        if (rate > MaxRatePerSecond)
        {
            if (_latch.Raise())
            {
                var detail = string.Create(
                    CultureInfo.InvariantCulture,
                    $"{delta:+0.###;-0.###} {_channel.Unit} in {seconds:0.###} s = {rate:G4}/s, limit {MaxRatePerSecond:G4}/s");
                output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, _channel, value, at, detail));
            }
        }
        else if (_latch.ObserveClear(at, _clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, _channel, value, at, "rate back within limit"));
        }
    }
}
