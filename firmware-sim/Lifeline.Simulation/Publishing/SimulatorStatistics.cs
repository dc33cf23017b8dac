namespace Lifeline.Simulation.Publishing;

/// <summary>A snapshot of the publisher's counters.</summary>
/// <param name="Sent">Telemetry messages acknowledged by the broker.</param>
/// <param name="Errors">Failed publishes and failed connection attempts.</param>
/// <param name="Rate">Acknowledged messages per second over the last sampling window.</param>
/// <param name="ConnectedClients">MQTT connections currently up.</param>
/// <param name="Devices">Devices being simulated.</param>
/// <param name="LastError">The most recent error, for display.</param>
public readonly record struct SimulatorStatistics(long Sent, long Errors, double Rate, int ConnectedClients, int Devices, string? LastError);
