using Lifeline.Domain.Assets;

namespace Lifeline.Rules.Anomaly;

/// <summary>An anomaly detector changed its verdict about one sensor (or one device).</summary>
/// <param name="Kind">The alarm kind, one of <see cref="AnomalyKinds"/>.</param>
/// <param name="Change">Raised or cleared.</param>
/// <param name="Device">The device.</param>
/// <param name="Channel">
/// The channel, or <see langword="null"/> for device-level anomalies (<see cref="AnomalyKinds.DeviceOffline"/>,
/// <see cref="AnomalyKinds.SeqGap"/>). A command mismatch names the feedback channel.
/// </param>
/// <param name="Value">
/// The value that decided it, in the channel's unit. Device-level kinds: seconds without data
/// (<see cref="AnomalyKinds.DeviceOffline"/>) or the number of lost messages (<see cref="AnomalyKinds.SeqGap"/>).
/// </param>
/// <param name="At">When the transition took effect (reading time, or the injected <c>now</c> for timer-driven kinds).</param>
/// <param name="Detail">Operator-readable detail, e.g. <c>3 messages lost (seq 10 → 14)</c>.</param>
public sealed record AnomalyTransition(
    string Kind,
    RuleTransitionKind Change,
    Device Device,
    Channel? Channel,
    double Value,
    DateTimeOffset At,
    string Detail)
{
    /// <summary><c>{device}.{channel}</c>, or the device id for device-level anomalies.</summary>
    public string SensorId => Channel is null ? Device.Id : Device.SensorId(Channel.Name);

    /// <summary>True for a raise, false for a clear.</summary>
    public bool IsRaised => Change == RuleTransitionKind.Raised;
}
