using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lifeline.Server.ScaleOut;

/// <summary>
/// Is the Redis backplane connected? With a backplane every push goes through Redis, those to this instance's own
/// consoles included; while it is down consoles get no pushes and catch up over REST (<c>changes?since</c>) once it is
/// back. Degraded, not unhealthy: ingestion, alarming and storage go on.
/// </summary>
internal sealed class LiveBackplaneHealthCheck(LiveBackplaneState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["backplane"] = "redis",
            ["connected"] = state.Connected,
            ["subscribed"] = state.Subscribed,
        };
        if (state.LastError is { } error)
        {
            data["lastError"] = error;
        }

        return Task.FromResult(state.Connected && state.Subscribed
            ? HealthCheckResult.Healthy("alarm pushes are shared with the other instances through Redis", data)
            : HealthCheckResult.Degraded("the Redis backplane is not connected: alarm pushes are not delivered until it is", data: data));
    }
}
