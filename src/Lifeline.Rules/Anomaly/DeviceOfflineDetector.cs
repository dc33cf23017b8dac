using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.DeviceOffline"/> for one device: the timer pass raises it when no reading arrived for
/// <see cref="Timeout"/> (max(factor × expected interval, floor)); readings clear it (with hysteresis, counted in readings).
/// Times are arrival times (<c>now</c>), never device timestamps, so a skewed device clock cannot fake silence.
/// </summary>
public sealed class DeviceOfflineDetector : ITimedAnomalyDetector
{
    private readonly Device _device;
    private readonly DeviceOfflineConfig _config;
    private AlarmLatch _latch;
    private bool _seen;
    private DateTimeOffset _lastSeen;

    /// <summary>Creates the detector for one device.</summary>
    public DeviceOfflineDetector(Device device, AnomalyOptions options)
        : this(device, AnomalySettingsResolver.DeviceOffline(options))
    {
    }

    internal DeviceOfflineDetector(Device device, DeviceOfflineConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _config = config;
        var timeout = device.ExpectedInterval * config.IntervalFactor;
        Timeout = timeout > config.MinTimeout ? timeout : config.MinTimeout;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.DeviceOffline;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <summary>Silence after which the device is offline.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Arrival time of the last reading (or the first timer pass for a device never heard from); null before.</summary>
    public DateTimeOffset? LastSeen => _seen ? _lastSeen : null;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_seen || now > _lastSeen)
        {
            _lastSeen = now;
        }

        _seen = true;
        if (_latch.ObserveClear(now, _config.Clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, null, 0, now, "reporting again"));
        }
    }

    /// <inheritdoc />
    public void EvaluateTimers(DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_seen)
        {
            if (_config.IncludeNeverSeen)
            {
                _seen = true;
                _lastSeen = now;
            }

            return;
        }

        var silence = now - _lastSeen;
        if (silence < Timeout || Timeout <= TimeSpan.Zero)
        {
            return;
        }

        if (_latch.Raise())
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"no data for {silence.TotalSeconds:0.###} s (expected every {_device.ExpectedInterval.TotalSeconds:0.###} s)");
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, null, silence.TotalSeconds, now, detail));
        }
    }
}
