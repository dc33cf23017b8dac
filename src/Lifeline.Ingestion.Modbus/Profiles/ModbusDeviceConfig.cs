using Lifeline.Domain.Assets;

namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>A registry device polled over Modbus TCP: where it is and what to read from it.</summary>
/// <param name="Device">The registry device.</param>
/// <param name="Host">Host name or IP address of the device or its gateway.</param>
/// <param name="Port">TCP port.</param>
/// <param name="UnitId">Modbus unit identifier.</param>
/// <param name="Profile">The register map of the device's model.</param>
/// <param name="Groups">The profile's poll groups restricted to the channels this device has (optional channels dropped).</param>
public sealed record ModbusDeviceConfig(
    Device Device,
    string Host,
    int Port,
    byte UnitId,
    ModbusProfile Profile,
    IReadOnlyList<ModbusPollGroup> Groups)
{
    /// <summary>Registry device id.</summary>
    public string DeviceId => Device.Id;

    /// <summary>The shortest poll interval of the device: polls are expected at least this often.</summary>
    public TimeSpan FastestInterval => Groups.Count == 0 ? Device.ExpectedInterval : Groups.Min(g => g.Interval);

    /// <summary><c>host:port/unit</c>, for logs and health.</summary>
    public string Endpoint => $"{Host}:{Port}/{UnitId}";
}
