using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// Runs the configured anomaly detectors on the live stream: per reading, the device's detectors (offline, seq gap), the
/// command/feedback pairs the channel belongs to, then the channel's own detectors (sensor fault, and for analog channels
/// rate of change, spike, flat line, drift). A value outside the physical range only feeds the sensor-fault detector, and
/// a reading not newer than the channel's previous one (late or duplicate) feeds none of the channel's detectors.
/// Pure: no I/O, time is passed in. Thread-safe: calls are serialised. Allocates nothing per reading except transitions.
/// </summary>
public sealed class AnomalyEngine
{
    private readonly Dictionary<string, DeviceSlot> _byDevice = new(StringComparer.Ordinal);
    private readonly ITimedAnomalyDetector[] _timed;
    private readonly Lock _gate = new();

    /// <summary>Builds detectors for every device of the registry.</summary>
    public AnomalyEngine(AssetRegistry registry, AnomalyOptions options)
        : this((registry ?? throw new ArgumentNullException(nameof(registry))).Devices, options)
    {
    }

    /// <summary>Builds detectors for the given devices.</summary>
    /// <exception cref="InvalidOperationException">The options are invalid for some sensor type.</exception>
    public AnomalyEngine(IEnumerable<Device> devices, AnomalyOptions options)
    {
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(options);
        var timed = new List<ITimedAnomalyDetector>();
        var offline = AnomalySettingsResolver.DeviceOffline(options);
        var seqGap = AnomalySettingsResolver.SeqGap(options);
        var detectors = 0;
        foreach (var device in devices)
        {
            var deviceDetectors = new List<IAnomalyDetector>(2);
            DeviceOfflineDetector? offlineDetector = null;
            if (offline.Enabled && device.ExpectedInterval > TimeSpan.Zero)
            {
                offlineDetector = new DeviceOfflineDetector(device, offline);
                deviceDetectors.Add(offlineDetector);
                timed.Add(offlineDetector);
            }

            if (seqGap.Enabled)
            {
                deviceDetectors.Add(new SeqGapDetector(device, seqGap));
            }

            var pairs = PairsOf(device, options);
            timed.AddRange(pairs);
            var channels = new Dictionary<string, ChannelSlot>(StringComparer.Ordinal);
            foreach (var channel in device.Channels)
            {
                var slot = CreateChannelSlot(device, channel, options, pairs);
                if (slot is not null)
                {
                    channels[channel.Name] = slot;
                    detectors += (slot.Fault is null ? 0 : 1) + slot.ValueDetectors.Length;
                }
            }

            detectors += deviceDetectors.Count + pairs.Count;
            if (deviceDetectors.Count > 0 || channels.Count > 0)
            {
                _byDevice[device.Id] = new DeviceSlot([.. deviceDetectors], channels, offlineDetector);
            }
        }

        _timed = [.. timed];
        DetectorInstances = detectors;
        Devices = _byDevice.Count;
        Sensors = _byDevice.Values.Sum(d => d.Channels.Count);
    }

    /// <summary>Devices with at least one detector.</summary>
    public int Devices { get; }

    /// <summary>Sensors (device channels) with at least one detector.</summary>
    public int Sensors { get; }

    /// <summary>Detector instances in all (per sensor, per device and per command/feedback pair).</summary>
    public int DetectorInstances { get; }

    /// <summary>Runs the detectors of the reading's device and sensor; appends transitions to <paramref name="output"/>.</summary>
    /// <param name="reading">The reading; value-based detectors take time from its timestamp.</param>
    /// <param name="now">Arrival time, used by the offline and command-mismatch detectors.</param>
    /// <param name="output">Receives transitions, in evaluation order.</param>
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (reading.DeviceId is null || !_byDevice.TryGetValue(reading.DeviceId, out var device))
        {
            return;
        }

        lock (_gate)
        {
            foreach (var detector in device.Detectors)
            {
                detector.Evaluate(reading, now, output);
            }

            if (reading.Channel is null || !device.Channels.TryGetValue(reading.Channel, out var slot))
            {
                return;
            }

            foreach (var pair in slot.Pairs)
            {
                pair.Evaluate(reading, now, output);
            }

            if (slot.HasLast && reading.Timestamp <= slot.LastTimestamp)
            {
                return;
            }

            slot.HasLast = true;
            slot.LastTimestamp = reading.Timestamp;
            slot.Fault?.Evaluate(reading, now, output);
            if (!slot.Channel.IsInPhysicalRange(reading.Value))
            {
                return;
            }

            foreach (var detector in slot.ValueDetectors)
            {
                detector.Evaluate(reading, now, output);
            }
        }
    }

    /// <summary>
    /// A sign of life of a device without a reading, e.g. its <c>online</c> status: the offline detector counts it like a
    /// reading (it clears an offline anomaly, and starts watching a device never heard from). Appends transitions to
    /// <paramref name="output"/>.
    /// </summary>
    public void DeviceSeen(string deviceId, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (deviceId is null || !_byDevice.TryGetValue(deviceId, out var device) || device.Offline is not { } offline)
        {
            return;
        }

        lock (_gate)
        {
            offline.Seen(now, output);
        }
    }

    /// <summary>
    /// The platform could not hear any device until <paramref name="now"/> (e.g. its broker connection was down): the
    /// offline detectors count silence from now on, with the start-up grace (see <see cref="DeviceOfflineDetector.Resume"/>).
    /// </summary>
    public void ResumeOffline(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var device in _byDevice.Values)
            {
                device.Offline?.Resume(now);
            }
        }
    }

    /// <summary>Lets time-driven anomalies (device offline, command/feedback timeout) expire at <paramref name="now"/>.</summary>
    public void EvaluateTimers(DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (_gate)
        {
            foreach (var detector in _timed)
            {
                detector.EvaluateTimers(now, output);
            }
        }
    }

    private static List<CommandMismatchDetector> PairsOf(Device device, AnomalyOptions options)
    {
        var result = new List<CommandMismatchDetector>();
        if (options.CommandMismatch is not { } settings)
        {
            return result;
        }

        foreach (var pair in settings.Pairs)
        {
            if (pair is null
                || (!string.IsNullOrEmpty(pair.DeviceModel) && !string.Equals(pair.DeviceModel, device.Model, StringComparison.Ordinal))
                || !device.TryGetChannel(pair.CommandChannel, out var command)
                || !device.TryGetChannel(pair.FeedbackChannel, out var feedback)
                || (!string.IsNullOrEmpty(pair.SensorType) && !string.Equals(pair.SensorType, command.Type.Id, StringComparison.Ordinal)))
            {
                continue;
            }

            var config = AnomalySettingsResolver.CommandMismatch(options, pair);
            if (config.Enabled)
            {
                result.Add(new CommandMismatchDetector(device, command, feedback, config));
            }
        }

        return result;
    }

    private static ChannelSlot? CreateChannelSlot(Device device, Channel channel, AnomalyOptions options, List<CommandMismatchDetector> pairs)
    {
        var fault = AnomalySettingsResolver.SensorFault(options, channel);
        var valueDetectors = new List<IAnomalyDetector>(4);
        if (channel.Kind == ChannelKind.Analog)
        {
            if (AnomalySettingsResolver.RateOfChange(options, channel) is { Enabled: true } roc)
            {
                valueDetectors.Add(new RateOfChangeDetector(device, channel, roc));
            }

            if (AnomalySettingsResolver.Spike(options, channel) is { Enabled: true } spike)
            {
                valueDetectors.Add(new SpikeDetector(device, channel, spike));
            }

            if (AnomalySettingsResolver.Flatline(options, channel) is { Enabled: true } flatline)
            {
                valueDetectors.Add(new FlatlineDetector(device, channel, flatline));
            }

            if (AnomalySettingsResolver.Drift(options, channel) is { Enabled: true } drift)
            {
                valueDetectors.Add(new DriftDetector(device, channel, drift));
            }
        }

        IAnomalyDetector[] channelPairs = [.. pairs.Where(p => ReferenceEquals(p.Command, channel) || ReferenceEquals(p.Feedback, channel))];
        if (!fault.Enabled && valueDetectors.Count == 0 && channelPairs.Length == 0)
        {
            return null;
        }

        return new ChannelSlot(channel, fault.Enabled ? new SensorFaultDetector(device, channel, fault) : null, [.. valueDetectors], channelPairs);
    }

    private sealed record DeviceSlot(IAnomalyDetector[] Detectors, Dictionary<string, ChannelSlot> Channels, DeviceOfflineDetector? Offline);

    private sealed class ChannelSlot(Channel channel, SensorFaultDetector? fault, IAnomalyDetector[] valueDetectors, IAnomalyDetector[] pairs)
    {
        public Channel Channel { get; } = channel;

        public SensorFaultDetector? Fault { get; } = fault;

        public IAnomalyDetector[] ValueDetectors { get; } = valueDetectors;

        public IAnomalyDetector[] Pairs { get; } = pairs;

        public bool HasLast { get; set; }

        public DateTimeOffset LastTimestamp { get; set; }
    }
}
