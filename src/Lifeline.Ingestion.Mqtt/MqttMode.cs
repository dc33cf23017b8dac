namespace Lifeline.Ingestion.Mqtt;

/// <summary>Where the MQTT broker runs.</summary>
public enum MqttMode
{
    /// <summary>The platform hosts its own broker (MQTTnet.Server): nothing else to install.</summary>
    Embedded,

    /// <summary>An external broker (Mosquitto, EMQX) at <c>Mqtt:Host</c>:<c>Mqtt:Port</c>.</summary>
    External,
}
