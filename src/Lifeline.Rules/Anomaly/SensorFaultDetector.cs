using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.SensorFault"/>: the value is outside the channel's physical range (or not finite).
/// Clears after <see cref="DetectorSettings.ClearSamples"/> in-range readings.
/// </summary>
public sealed class SensorFaultDetector : IAnomalyDetector
{
    private readonly Device _device;
    private readonly Channel _channel;
    private readonly ClearPolicy _clear;
    private AlarmLatch _latch;

    /// <summary>Creates the detector for one sensor with the settings <paramref name="options"/> resolve for its type.</summary>
    public SensorFaultDetector(Device device, Channel channel, AnomalyOptions options)
        : this(device, channel, AnomalySettingsResolver.SensorFault(options, channel))
    {
    }

    internal SensorFaultDetector(Device device, Channel channel, SensorFaultConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        _device = device;
        _channel = channel;
        _clear = config.Clear;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.SensorFault;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var value = reading.Value;
        if (!_channel.IsInPhysicalRange(value))
        {
            if (_latch.Raise())
            {
                var detail = string.Create(CultureInfo.InvariantCulture, $"{value:G6} outside {_channel.Min:G6}…{_channel.Max:G6} {_channel.Unit}").TrimEnd();
                output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, _channel, value, reading.Timestamp, detail));
            }
        }
        else if (_latch.ObserveClear(reading.Timestamp, _clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, _channel, value, reading.Timestamp, "back in range"));
        }
    }
}
