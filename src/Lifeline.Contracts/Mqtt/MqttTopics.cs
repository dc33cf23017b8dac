namespace Lifeline.Contracts.Mqtt;

/// <summary>The MQTT topic contract: <c>lifeline/{site}/{device}/{kind}</c>.</summary>
public static class MqttTopics
{
    public const string Root = "lifeline";

    /// <summary>Subscription filter for every device's telemetry.</summary>
    public const string TelemetryFilter = "lifeline/+/+/telemetry";

    /// <summary>Subscription filter for every device's retained online/offline status.</summary>
    public const string StatusFilter = "lifeline/+/+/status";

    public const string Online = "online";

    public const string Offline = "offline";

    public static string Telemetry(string site, string device) => $"{Root}/{site}/{device}/telemetry";

    public static string Status(string site, string device) => $"{Root}/{site}/{device}/status";

    public static string Command(string site, string device) => $"{Root}/{site}/{device}/command";

    public static string CommandAck(string site, string device) => $"{Root}/{site}/{device}/command/ack";

    /// <summary>Retained status of a platform ingestion instance (its last will says <c>offline</c>).</summary>
    public static string PlatformStatus(string instance) => $"lifeline-platform/{instance}/status";

    /// <summary>Splits a device topic into site, device and kind (<c>telemetry</c>, <c>status</c>, …).</summary>
    public static bool TryParse(string topic, out string site, out string device, out string kind)
    {
        site = device = kind = string.Empty;
        if (string.IsNullOrEmpty(topic))
        {
            return false;
        }

        var parts = topic.Split('/');
        if (parts.Length != 4 || parts[0] != Root || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        site = parts[1];
        device = parts[2];
        kind = parts[3];
        return true;
    }
}
