using Lifeline.Alarms;
using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Rules;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// Turns a device going offline — its MQTT last will or status, or a Modbus poller giving up on it — into a
/// high-priority <c>comm loss</c> alarm on that device (sensor <c>{device}.comm</c>), cleared when it is back.
/// </summary>
public sealed class CommLossAlarms(AssetRegistry registry, AlarmService alarms)
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

    /// <summary>
    /// Raises or clears the device's comm-loss alarm. Repeats are harmless (the alarm service ignores a raise of an
    /// active alarm and a clear of none), so a comm loss restored from the journal clears when the device reports online.
    /// </summary>
    public void StatusChanged(string deviceId, bool online, DateTimeOffset at)
    {
        if (!registry.TryGetDevice(deviceId, out var device))
        {
            return;
        }

        alarms.Apply(new RuleTransition(online ? RuleTransitionKind.Cleared : RuleTransitionKind.Raised, Rule, device, CommChannel, online ? 1 : 0, at));
    }
}
