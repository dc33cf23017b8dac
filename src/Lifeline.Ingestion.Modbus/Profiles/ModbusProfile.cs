namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>The register map of a device model (<c>plc-influent</c>, <c>rtu-gate</c>, <c>zc-gas</c>).</summary>
/// <param name="Model">The registry device model it describes.</param>
/// <param name="Groups">Poll groups with the channels each reads, in profile order.</param>
/// <param name="Optional">Channels present only on some devices of the model; polled where the device has them.</param>
/// <param name="Writable">Every writable point: command outputs and writable channels, for commands (not polled as such).</param>
public sealed record ModbusProfile(
    string Model,
    IReadOnlyList<ModbusPollGroup> Groups,
    IReadOnlySet<string> Optional,
    IReadOnlyList<ModbusPoint> Writable);
