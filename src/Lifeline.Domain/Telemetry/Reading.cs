namespace Lifeline.Domain.Telemetry;

/// <summary>One accepted value of one channel. Boolean channels carry 1 (true) or 0 (false).</summary>
/// <param name="DeviceId">Registry device id.</param>
/// <param name="Channel">Channel name of that device.</param>
/// <param name="Value">The value in the channel's unit.</param>
/// <param name="Timestamp">Device time (or server time when the device sent none).</param>
/// <param name="Seq">The device's message counter, when it sends one.</param>
public readonly record struct Reading(string DeviceId, string Channel, double Value, DateTimeOffset Timestamp, long? Seq);
