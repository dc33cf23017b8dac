using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.Storage;

/// <summary>Configuration section <c>Storage:Alarms</c>: when the platform alarms about its own storage.</summary>
public sealed class StorageAlarmOptions
{
    public const string SectionName = "Storage:Alarms";

    /// <summary>A high-priority <c>storage backlog</c> alarm when the unstored backlog fills this share of <c>Storage:Wal:MaxBytes</c>.</summary>
    [Range(1, 99)]
    public double BacklogPercent { get; set; } = 50;

    /// <summary>The same alarm when the oldest unstored record is older than this (InfluxDB down for that long).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "30.00:00:00")]
    public TimeSpan BacklogAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the figures are checked.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
