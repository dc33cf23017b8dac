namespace Lifeline.Simulation;

/// <summary>The broker the simulator publishes to (configuration section <c>Mqtt</c>, shared with the platform's ingestion).</summary>
public sealed class SimulatorMqttOptions
{
    public const string SectionName = "Mqtt";

    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 1883;
}
