using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>Configuration section <c>SelfMonitoring</c>: the platform's own figures stored in InfluxDB's <c>lifeline_platform</c>.</summary>
public sealed class SelfMonitoringOptions
{
    public const string SectionName = "SelfMonitoring";

    /// <summary>Write a <c>lifeline_platform</c> point every <see cref="Interval"/>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The <c>instance</c> tag, naming this server among several. Default: the machine name.</summary>
    [RegularExpression(@"^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "SelfMonitoring:Instance must be 1–64 letters, digits, '.', '_' or '-'")]
    public string? Instance { get; set; }
}
