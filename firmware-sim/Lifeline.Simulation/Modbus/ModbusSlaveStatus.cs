using System.Net;

namespace Lifeline.Simulation.Modbus;

/// <summary>One simulated Modbus device of a <see cref="ModbusSlaveFarm"/>: where it should be and whether it is served.</summary>
/// <param name="DeviceId">Registry device id.</param>
/// <param name="Endpoint">The endpoint in <c>modbus.yaml</c>, <c>host:port/unit</c>.</param>
/// <param name="UnitId">The unit identifier it answers.</param>
/// <param name="Listening">Where it is served (the real port when the system picked it), or null when it is not.</param>
/// <param name="Error">Why it is not served (port in use, bad address), or null.</param>
/// <param name="Online">False while a device-offline scenario holds it: it is not answered then, as a dead device.</param>
public sealed record ModbusSlaveStatus(string DeviceId, string Endpoint, byte UnitId, IPEndPoint? Listening, string? Error, bool Online)
{
    /// <summary>Whether a server listens for this device.</summary>
    public bool Serving => Listening is not null;
}
