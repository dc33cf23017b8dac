using System.ComponentModel.DataAnnotations;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>Configuration section <c>Mqtt</c>.</summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary><c>Embedded</c> (default) or <c>External</c>.</summary>
    public MqttMode Mode { get; set; } = MqttMode.Embedded;

    /// <summary>Broker host for the ingestion client (External), default <c>localhost</c>.</summary>
    [Required]
    public string Host { get; set; } = "localhost";

    /// <summary>Broker port; in Embedded mode also the port the embedded broker listens on. Default 1883.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Address the embedded broker binds to. Default loopback; <c>0.0.0.0</c> to accept field devices.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Client id of this ingestion instance; the broker keeps its persistent session under it.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string ClientId { get; set; } = "lifeline-ingest";

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Connect with TLS (External mode).</summary>
    public bool UseTls { get; set; }

    /// <summary>How long the broker keeps this client's session (and queues QoS 1 messages) while it is away.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromHours(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest wait between reconnection attempts (backoff is exponential with jitter up to this).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Payloads larger than this are rejected unread.</summary>
    [Range(64, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 256 * 1024;

    /// <summary>Most messages accepted in one batch payload.</summary>
    [Range(1, 100_000)]
    public int MaxBatch { get; set; } = 1000;

    /// <summary>
    /// Site partition of this instance: subscribe only to these sites' telemetry and status topics
    /// (<c>lifeline/{site}/+/telemetry</c>), comma-separated. Empty (default): every site. Each id must be a site of
    /// the registry. Several instances share the load by owning disjoint sets of sites; see docs/scaling.md.
    /// <c>none</c>: ingest nothing (a node that serves consoles and sends commands only).
    /// </summary>
    public string? Sites { get; set; }

    /// <summary>The value of <see cref="Sites"/> for a node that ingests no site.</summary>
    public const string NoSites = "none";

    /// <summary>True when <see cref="Sites"/> is <c>none</c>.</summary>
    public bool IngestsNoSite => string.Equals(Sites?.Trim(), NoSites, StringComparison.OrdinalIgnoreCase);

    /// <summary>The site ids of <see cref="Sites"/> (empty: every site, or none with <see cref="IngestsNoSite"/>).</summary>
    public IReadOnlyList<string> SiteIds =>
        IngestsNoSite ? [] : (Sites ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The sites this instance ingests: null for every site, else the set (empty for <c>none</c>).</summary>
    public IReadOnlySet<string>? Partition =>
        IngestsNoSite ? new HashSet<string>() : SiteIds.Count == 0 ? null : SiteIds.ToHashSet(StringComparer.Ordinal);

    /// <summary>Embedded broker: QoS 1 messages it queues per client before dropping the oldest.</summary>
    [Range(1000, 10_000_000)]
    public int EmbeddedMaxPendingPerClient { get; set; } = 500_000;
}
