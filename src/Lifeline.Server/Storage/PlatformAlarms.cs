using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Server.Storage;

/// <summary>
/// Alarms the platform raises about itself. They ride on the normal alarm service (seq, push, acknowledgement) through
/// a device that stands for the Lifeline server.
/// </summary>
public static class PlatformAlarms
{
    public const string DeviceId = "lifeline-platform";

    private static readonly SensorType StorageType = new("platform_storage", "Storage backlog", "%", ChannelKind.Analog, 0, 100, string.Empty);

    /// <summary>The server as a device: site <c>platform</c>.</summary>
    public static Device Device { get; } = new(
        DeviceId,
        "lifeline-server",
        new AssetLocation { SiteId = "platform", SiteKind = SiteKind.TunnelProject, Description = "Lifeline server — storage" },
        [new Channel("storage", StorageType, 0, 100)],
        TimeSpan.FromSeconds(1));

    public static Channel StorageChannel => Device.Channels[0];

    /// <summary>Unstored readings pile up (InfluxDB unreachable or slow): still safe on local disk, but someone must look.</summary>
    public static ThresholdRule StorageBacklog { get; } = new()
    {
        Id = "platform.storage-backlog",
        SensorType = StorageType.Id,
        Kind = "storage backlog",
        Direction = ThresholdDirection.High,
        Priority = AlarmPriority.High,
        Message = "Readings are not reaching InfluxDB; they are kept in the write-ahead log",
        Basis = "Lifeline storage policy",
    };

    /// <summary>The write-ahead log is full or cannot be written: ingestion waits, devices' messages queue at the broker.</summary>
    public static ThresholdRule StorageFull { get; } = new()
    {
        Id = "platform.storage-full",
        SensorType = StorageType.Id,
        Kind = "storage backlog",
        Direction = ThresholdDirection.High,
        Priority = AlarmPriority.Critical,
        Message = "Write-ahead log full or not writable: ingestion paused, messages wait at the broker",
        Basis = "Lifeline storage policy",
    };
}
