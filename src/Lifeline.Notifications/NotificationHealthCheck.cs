using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Lifeline.Notifications;

/// <summary>
/// The <c>notifications</c> entry of <c>/health</c>: alarms whose calls are running, alarms taken up again at start-up,
/// messages waiting per channel, and the messages not sent (already had, held for a digest, refused by a full queue).
/// </summary>
public sealed class NotificationHealthCheck(NotificationService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (deduplicated, suppressed, dropped) = service.Counters;
        var backlog = service.Backlog;
        var data = new Dictionary<string, object>
        {
            ["calling"] = service.Calling,
            ["resumed"] = service.Resumed,
            ["backlog"] = backlog,
            ["deduplicated"] = deduplicated,
            ["suppressed"] = suppressed,
            ["dropped"] = dropped,
        };
        return Task.FromResult(HealthCheckResult.Healthy($"calling the crews for {service.Calling} alarm(s); {backlog.Values.Sum()} message(s) waiting", data));
    }
}
