using Lifeline.Simulation.Modbus;

namespace Lifeline.Simulation;

/// <summary>The in-process device simulator (configuration section <c>Simulator</c>).</summary>
public sealed class SimulatorOptions
{
    public const string SectionName = "Simulator";

    /// <summary>Name of the scenario set used when <see cref="Scenarios"/> is empty and no set is named.</summary>
    public const string DefaultScenarioSet = "demo";

    /// <summary>Value of <see cref="ScenarioSet"/> that turns the default set off.</summary>
    public const string NoScenarioSet = "none";

    /// <summary>Run the simulator inside the host. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>Seed of the signal generator: the same seed gives the same values at the same simulated time. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Telemetry messages per second per device (spread evenly over each period). Default 1.</summary>
    public double RatePerDevice { get; set; } = 1;

    /// <summary>MQTT connections the devices are spread over. Default 4.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>QoS 1 publishes in flight over all connections. Default 256.</summary>
    public int MaxInFlight { get; set; } = 256;

    /// <summary>
    /// How fast a zone's running fans (started by a command over MQTT or Modbus) blow out a gas leak: the excess CH₄ over the
    /// background decays by exp(−t_running / this). Default 60 s.
    /// </summary>
    public TimeSpan VentilationTimeConstant { get; set; } = Signals.SignalGenerator.DefaultVentilationTimeConstant;

    /// <summary>Scenario specs <c>name@target+offset[~duration]</c>, e.g. <c>o2-depletion@yongchang-rd-trunk-gas-z003+10s</c>.</summary>
    public IList<string> Scenarios { get; } = [];

    /// <summary>
    /// A named set of scenarios from <see cref="ScenariosFile"/>, added to <see cref="Scenarios"/>. When this is unset and
    /// <see cref="Scenarios"/> is empty, the <c>demo</c> set is used if the file is found (and silently skipped if not);
    /// <c>none</c> turns that default off. A set that is named explicitly must exist.
    /// </summary>
    public string? ScenarioSet { get; set; }

    /// <summary>
    /// The YAML file of scenario sets. Default: <c>seeds/baoshan/scenarios.yaml</c>, looked for in the current directory,
    /// the application's base directory and their parents.
    /// </summary>
    public string? ScenariosFile { get; set; }

    /// <summary>Simulate only devices whose id starts with one of these prefixes (e.g. <c>yongchang-rd</c>); empty means all.</summary>
    public IList<string> Devices { get; } = [];

    /// <summary>The Modbus TCP slaves (section <c>Simulator:Modbus</c>): devices of <c>modbus.yaml</c> served over Modbus instead of MQTT.</summary>
    public SimulatorModbusOptions Modbus { get; } = new();
}
