namespace Lifeline.Modbus;

/// <summary>Settings of a <see cref="ModbusTcpClient"/>.</summary>
public sealed class ModbusTcpClientOptions
{
    /// <summary>How long a request waits for its response once queued for sending. Only that request fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long establishing the TCP connection may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Most requests on the wire at once (1 to 65535). Further calls wait for a free slot. Many devices and
    /// gateways handle only one transaction at a time; set 1 for them.
    /// </summary>
    public int MaxInFlight { get; set; } = 16;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxInFlight, 1, nameof(MaxInFlight));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxInFlight, ushort.MaxValue, nameof(MaxInFlight));
    }
}
