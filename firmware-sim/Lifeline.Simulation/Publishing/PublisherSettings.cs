namespace Lifeline.Simulation.Publishing;

/// <summary>Where and how fast the publisher sends.</summary>
public sealed record PublisherSettings
{
    public string Host { get; init; } = "localhost";

    public int Port { get; init; } = 1883;

    /// <summary>MQTT user name; null or empty for an anonymous connection.</summary>
    public string? Username { get; init; }

    /// <summary>MQTT password, sent with <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Telemetry messages per second per device.</summary>
    public double RatePerDevice { get; init; } = 1;

    /// <summary>MQTT connections the devices are spread over.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>QoS 1 publishes awaiting their PUBACK, over all connections.</summary>
    public int MaxInFlight { get; init; } = 256;

    /// <summary>Client ids are <c>{prefix}-{n}</c>; the default adds the process id so two simulators do not take over each other's sessions.</summary>
    public string ClientIdPrefix { get; init; } = $"lifeline-sim-{Environment.ProcessId}";

    public TimeSpan ReconnectMinDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Publish retained <c>offline</c> for every device when the run stops cleanly.</summary>
    public bool PublishOfflineOnStop { get; init; } = true;
}
