namespace Lifeline.Server.Observability;

/// <summary>Configuration section <c>Metrics</c>: the Prometheus endpoint <c>GET /metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Serve <c>/metrics</c> at all. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Require a signed-in user (viewer role: session cookie or bearer token) on <c>/metrics</c>. Default false: it is
    /// anonymous like <c>/health</c>, for Prometheus scrapers; restrict it at the network when it is.
    /// </summary>
    public bool RequireSignIn { get; set; }
}
