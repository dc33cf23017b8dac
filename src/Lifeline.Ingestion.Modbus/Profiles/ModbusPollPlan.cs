namespace Lifeline.Ingestion.Modbus.Profiles;

/// <summary>
/// The validated content of <c>modbus.yaml</c>: register maps per device model and the devices polled over Modbus TCP.
/// Built by <see cref="ModbusProfileLoader"/>.
/// </summary>
public sealed class ModbusPollPlan
{
    /// <summary>Creates a plan.</summary>
    public ModbusPollPlan(IReadOnlyDictionary<string, ModbusProfile> profiles, IReadOnlyList<ModbusDeviceConfig> devices)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(devices);
        Profiles = profiles;
        Devices = devices;
    }

    /// <summary>An empty plan: nothing is polled.</summary>
    public static ModbusPollPlan Empty { get; } = new(new Dictionary<string, ModbusProfile>(StringComparer.Ordinal), []);

    /// <summary>Register maps by device model.</summary>
    public IReadOnlyDictionary<string, ModbusProfile> Profiles { get; }

    /// <summary>The devices to poll, in file order.</summary>
    public IReadOnlyList<ModbusDeviceConfig> Devices { get; }
}
