using Lifeline.Domain.Assets;

namespace Lifeline.Server.Pipeline;

/// <summary>The latest known state of one sensor.</summary>
public sealed record SensorSnapshot(Device Device, Channel Channel, double? Value, DateTimeOffset? Timestamp, DateTimeOffset ReceivedAt, long? Seq, SensorQuality Quality, bool? DeviceOnline);
