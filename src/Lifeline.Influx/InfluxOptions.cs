using System.ComponentModel.DataAnnotations;

namespace Lifeline.Influx;

/// <summary>
/// Configuration section <c>Influx</c>: where readings are stored. Without <see cref="Url"/> no InfluxDB is configured
/// (the embedded default) and nothing is written.
/// </summary>
public sealed class InfluxOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Influx";

    /// <summary>Base address of the server, e.g. <c>http://influxdb:8086</c>. Null or empty: no InfluxDB configured.</summary>
    public Uri? Url { get; set; }

    /// <summary>The write API: <c>1</c>/<c>V1</c> or <c>2</c>/<c>V2</c> (default).</summary>
    public InfluxApiVersion ApiVersion { get; set; } = InfluxApiVersion.V2;

    /// <summary>
    /// The 1.x database written to (V1), and the database named in InfluxQL queries on both versions
    /// (on 2.x through its DBRP mapping).
    /// </summary>
    [Required]
    public string Database { get; set; } = "lifeline";

    /// <summary>The 1.x retention policy written to (V1); null for the database's default.</summary>
    public string? RetentionPolicy { get; set; }

    /// <summary>1.x user (V1, sent with HTTP basic authentication); null when authentication is off.</summary>
    public string? Username { get; set; }

    /// <summary>1.x password (V1).</summary>
    public string? Password { get; set; }

    /// <summary>The bucket written to (V2).</summary>
    [Required]
    public string Bucket { get; set; } = "lifeline";

    /// <summary>The organisation (name) owning the bucket (V2; required there).</summary>
    public string? Org { get; set; }

    /// <summary>The API token (V2; required there). Also sent as <c>Authorization: Token</c> on InfluxQL queries.</summary>
    public string? Token { get; set; }

    /// <summary>Longest wait for one HTTP request (a write, a query, one step of the connection check). Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether the connection check creates a missing database (V1) or bucket (V2, needs <see cref="Org"/>).</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>How long raw points and aggregates are kept (<c>Influx:Retention</c>).</summary>
    public global::Lifeline.Influx.Retention.InfluxRetentionOptions Retention { get; set; } = new();

    /// <summary>The 1-minute aggregates (<c>Influx:Downsampling</c>).</summary>
    public global::Lifeline.Influx.Retention.InfluxDownsamplingOptions Downsampling { get; set; } = new();

    /// <summary>True when an InfluxDB is configured (<see cref="Url"/> is set).</summary>
    public bool IsConfigured => Url is not null && !string.IsNullOrEmpty(Url.OriginalString);
}
