using System.ComponentModel.DataAnnotations;

namespace Lifeline.Server.ScaleOut;

/// <summary>Configuration section <c>Live</c>: how alarm pushes reach consoles connected to other instances.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>
    /// StackExchange.Redis connection string of the SignalR backplane (e.g. <c>redis1:6379,password=…</c>). Absent: a
    /// single node, pushes reach only the consoles connected to this instance.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of the backplane's Redis channels, so several deployments can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string RedisChannelPrefix { get; set; } = "lifeline";
}
