namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>Channels of a device read together at one interval (e.g. <c>fast</c> at 500 ms for run feedback).</summary>
/// <param name="Name">Group name as in the profile.</param>
/// <param name="Interval">Poll period.</param>
/// <param name="Points">The channels, in profile order.</param>
public sealed record ModbusPollGroup(string Name, TimeSpan Interval, IReadOnlyList<ModbusPoint> Points);
