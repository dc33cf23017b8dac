namespace Lifeline.Domain.Assets;

/// <summary>Sensor ids are <c>{deviceId}.{channel}</c>; device ids and channel names never contain a dot.</summary>
public static class SensorIds
{
    public const char Separator = '.';

    public static string Of(string deviceId, string channel) => string.Concat(deviceId, ".", channel);

    public static bool TrySplit(string sensorId, out string deviceId, out string channel)
    {
        ArgumentNullException.ThrowIfNull(sensorId);
        var dot = sensorId.LastIndexOf(Separator);
        if (dot <= 0 || dot == sensorId.Length - 1)
        {
            deviceId = string.Empty;
            channel = string.Empty;
            return false;
        }

        deviceId = sensorId[..dot];
        channel = sensorId[(dot + 1)..];
        return true;
    }
}
