namespace Lifeline.Simulation.Modbus;

/// <summary>
/// The simulator's Modbus TCP slaves (configuration section <c>Simulator:Modbus</c>): the devices listed in
/// <c>modbus.yaml</c> are served as Modbus slaves on their endpoints instead of publishing over MQTT.
/// </summary>
public sealed class SimulatorModbusOptions
{
    /// <summary>The configuration section, below <c>Simulator</c>.</summary>
    public const string SectionName = "Simulator:Modbus";

    /// <summary>Shortest <see cref="UpdateInterval"/> allowed.</summary>
    public static readonly TimeSpan MinUpdateInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest <see cref="UpdateInterval"/> allowed.</summary>
    public static readonly TimeSpan MaxUpdateInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Serve the Modbus devices as slaves (and publish only the other devices over MQTT). When unset it follows
    /// <c>Modbus:Enabled</c>, the platform's poller: the simulator serves what the platform polls.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>
    /// The profile file. When unset: <c>Modbus:Path</c>, else <c>modbus.yaml</c> in the registry directory
    /// (<c>Assets:Path</c>), like the poller. When the file does not exist every device publishes over MQTT.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>
    /// Address every slave listens on, e.g. <c>0.0.0.0</c> for real masters on the network. When unset each device
    /// listens on the host of its endpoint in <c>modbus.yaml</c> (<c>127.0.0.1</c> in Baoshan).
    /// </summary>
    public string? BindAddress { get; set; }

    /// <summary>Added to every device's port from <c>modbus.yaml</c> (e.g. to run two simulators side by side). Default 0.</summary>
    public int PortOffset { get; set; }

    /// <summary>
    /// Per device id, the port to listen on instead of the one in <c>modbus.yaml</c> (and instead of
    /// <see cref="PortOffset"/>); 0 lets the system pick a free port, which tests read back from the farm.
    /// </summary>
    public IDictionary<string, int> Ports { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>How often the registers are recomputed from the simulated signals. Default 100 ms.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMilliseconds(100);
}
