namespace Lifeline.Server.Pipeline;

/// <summary>How far a shown value can be trusted.</summary>
public enum SensorQuality
{
    /// <summary>Recent value from a device that is online.</summary>
    Good,

    /// <summary>No value for three expected intervals: the screen must not present it as current.</summary>
    Stale,

    /// <summary>The device said it is offline (status topic or last will).</summary>
    DeviceOffline,

    /// <summary>No value received since the platform started.</summary>
    NoData,
}
