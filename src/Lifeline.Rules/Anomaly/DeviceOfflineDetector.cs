using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.DeviceOffline"/> for one device: the timer pass raises it when no reading arrived for
/// <see cref="Timeout"/> (max(factor × expected interval, floor)); readings clear it (with hysteresis, counted in readings).
/// A device never heard from is watched from the first timer pass only with <see cref="DeviceOfflineSettings.IncludeNeverSeen"/>,
/// and then goes offline after max(<see cref="Timeout"/>, <see cref="DeviceOfflineSettings.StartupGrace"/>).
/// Times are arrival times (<c>now</c>), never device timestamps, so a skewed device clock cannot fake silence.
/// </summary>
public sealed class DeviceOfflineDetector : ITimedAnomalyDetector
{
    private readonly Device _device;
    private readonly DeviceOfflineConfig _config;
    private AlarmLatch _latch;
    private bool _seen;
    private bool _neverHeard;
    private bool _resumed;
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

    /// <summary>The device this detector watches.</summary>
    public Device Device => _device;

    /// <summary>Arrival time of the last sign of life (or the first timer pass for a device never heard from); null before.</summary>
    public DateTimeOffset? LastSeen => _seen ? _lastSeen : null;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output) => Seen(now, output);

    /// <summary>A sign of life without a reading (e.g. the device's <c>online</c> status) at arrival time <paramref name="now"/>.</summary>
    public void Seen(DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!_seen || _neverHeard || now > _lastSeen)
        {
            _lastSeen = now;
        }

        _seen = true;
        _neverHeard = false;
        _resumed = false;
        if (_latch.ObserveClear(now, _config.Clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, null, 0, now, "reporting again"));
        }
    }

    /// <summary>
    /// The platform itself could not hear devices until <paramref name="now"/> (its broker connection was down): silence
    /// counts again from now, with <see cref="DeviceOfflineSettings.StartupGrace"/> (at least the timeout) for the device
    /// to report, as after a start. A device already offline stays offline; one never heard from stays unwatched.
    /// </summary>
    public void Resume(DateTimeOffset now)
    {
        if (!_seen || _latch.Active)
        {
            return;
        }

        if (now > _lastSeen)
        {
            _lastSeen = now;
        }

        _resumed = !_neverHeard;
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
                _neverHeard = true;
                _lastSeen = now;
            }

            return;
        }

        var silence = now - _lastSeen;
        var limit = (_neverHeard || _resumed) && _config.StartupGrace > Timeout ? _config.StartupGrace : Timeout;
        if (silence < limit || Timeout <= TimeSpan.Zero)
        {
            return;
        }

        if (_latch.Raise())
        {
            var detail = _neverHeard
                ? string.Create(CultureInfo.InvariantCulture, $"never heard from in {silence.TotalSeconds:0.###} s since start-up (expected every {_device.ExpectedInterval.TotalSeconds:0.###} s)")
                : _resumed
                ? string.Create(CultureInfo.InvariantCulture, $"no data for {silence.TotalSeconds:0.###} s since the platform could hear devices again (expected every {_device.ExpectedInterval.TotalSeconds:0.###} s)")
                : string.Create(CultureInfo.InvariantCulture, $"no data for {silence.TotalSeconds:0.###} s (expected every {_device.ExpectedInterval.TotalSeconds:0.###} s)");
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, null, silence.TotalSeconds, now, detail));
        }
    }
}
