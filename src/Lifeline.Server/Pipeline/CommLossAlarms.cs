using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Rules;
using Lifeline.Rules.Anomaly;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// One high-priority <c>comm loss</c> alarm per device (sensor <c>{device}.comm</c>) for the fact "the device is not
/// communicating", whichever sign of it comes first: its MQTT last will or <c>offline</c> status, a Modbus poller giving
/// up on it, or — with anomaly detection — no data for the offline detector's timeout
/// (<see cref="AnomalyKinds.DeviceOffline"/>, fed by <see cref="SilenceChanged"/>). It is raised when the first sign
/// appears and cleared when none holds any more, so a device that goes silent and then drops off the broker gets one
/// alarm, not two. An <c>online</c> status is a sign of life for the offline detector too.
/// </summary>
public sealed class CommLossAlarms(AssetRegistry registry, AlarmService alarms, AnomalyEngine? anomalies = null)
{
    private static SensorType CommType { get; } = new("comm", "Communication", string.Empty, ChannelKind.Boolean, 0, 1, string.Empty);

    private static readonly Channel CommChannel = new("comm", CommType, 0, 1);

    /// <summary>The rule behind every comm-loss alarm.</summary>
    public static ThresholdRule Rule { get; } = new()
    {
        Id = "device.comm-loss",
        SensorType = CommType.Id,
        Kind = "comm loss",
        Direction = ThresholdDirection.OnFalse,
        Priority = AlarmPriority.High,
        Message = "Device not communicating: its readings are stale and its alarms cannot be trusted",
        Basis = "Lifeline device supervision",
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Signs> _signs = new(StringComparer.Ordinal);

    /// <summary>The device said it is online or offline (MQTT status or last will), or its poller lost or regained it.</summary>
    public void StatusChanged(string deviceId, bool online, DateTimeOffset at)
    {
        if (!registry.TryGetDevice(deviceId, out var device))
        {
            return;
        }

        lock (_gate)
        {
            if (online && anomalies is not null)
            {
                // A sign of life: the offline detector starts (or restarts) its clock and clears its silence.
                var transitions = new List<AnomalyTransition>(1);
                anomalies.DeviceSeen(deviceId, at, transitions);
                foreach (var transition in transitions.Where(t => t.Kind == AnomalyKinds.DeviceOffline))
                {
                    Update(device, s => s with { Silent = transition.IsRaised }, transition.IsRaised ? 0 : 1, transition.At);
                }
            }

            Update(device, s => s with { ReportedOffline = !online }, online ? 1 : 0, at);
        }
    }

    /// <summary>The offline detector's verdict on <paramref name="transition"/>'s device changed (no data for its timeout, or data again).</summary>
    public void SilenceChanged(AnomalyTransition transition)
    {
        ArgumentNullException.ThrowIfNull(transition);
        lock (_gate)
        {
            Update(transition.Device, s => s with { Silent = transition.IsRaised }, transition.IsRaised ? 0 : 1, transition.At);
        }
    }

    // Under the lock, so the raise and the clear reach the alarm service in the order they were decided.
    private void Update(Device device, Func<Signs, Signs> change, double value, DateTimeOffset at)
    {
        var before = _signs.GetValueOrDefault(device.Id);
        var after = change(before);
        if (after == before && after.Any)
        {
            return;
        }

        _signs[device.Id] = after;

        // A clear goes out whenever no sign holds: the alarm service ignores a clear of nothing, and a comm loss
        // restored from the journal after a restart is cleared by the device's first sign of life.
        if (before.Any != after.Any || !after.Any)
        {
            alarms.Apply(new RuleTransition(after.Any ? RuleTransitionKind.Raised : RuleTransitionKind.Cleared, Rule, device, CommChannel, value, at));
        }
    }

    /// <summary>What currently says the device is not communicating.</summary>
    private readonly record struct Signs(bool ReportedOffline, bool Silent)
    {
        public bool Any => ReportedOffline || Silent;
    }
}
