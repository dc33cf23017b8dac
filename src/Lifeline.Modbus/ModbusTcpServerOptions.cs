using System.Net;

namespace Lifeline.Modbus;

/// <summary>Settings of a <see cref="ModbusTcpServer"/>.</summary>
public sealed class ModbusTcpServerOptions
{
    /// <summary>Address to listen on; <see cref="IPAddress.Any"/> for all interfaces.</summary>
    public IPAddress Address { get; set; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (read it from <see cref="ModbusTcpServer.LocalEndPoint"/>).</summary>
    public int Port { get; set; } = 502;

    /// <summary>
    /// What a request to a unit identifier without a data store gets: by default exception
    /// <see cref="ModbusExceptionCode.GatewayTargetFailedToRespond"/>, as a gateway answers for an absent device;
    /// when true, no response at all (the client times out), as a device that is not there.
    /// </summary>
    public bool IgnoreUnknownUnits { get; set; }
}
