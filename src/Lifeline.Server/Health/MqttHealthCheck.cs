using Lifeline.Ingestion.Mqtt;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Health;

/// <summary>Is the ingestion client connected to the broker (and is the embedded broker up)?</summary>
public sealed class MqttHealthCheck(MqttConnectionState state, EmbeddedMqttBroker broker, IOptions<MqttOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var data = new Dictionary<string, object>
        {
            ["mode"] = o.Mode.ToString(),
            ["broker"] = $"{o.Host}:{o.Port}",
            ["connected"] = state.IsConnected,
            ["connects"] = state.Connects,
        };
        if (o.Partition is { } sites)
        {
            data["sites"] = sites.Order(StringComparer.Ordinal).ToList();
        }

        if (o.Mode == MqttMode.Embedded)
        {
            data["embeddedBrokerRunning"] = broker.IsRunning;
        }

        if (state.Since is { } since)
        {
            data["since"] = since;
        }

        if (state.LastError is { } error)
        {
            data["lastError"] = error;
        }

        return Task.FromResult(state.IsConnected
            ? HealthCheckResult.Healthy("connected to the MQTT broker", data)
            : HealthCheckResult.Unhealthy("not connected to the MQTT broker: no telemetry is arriving", data: data));
    }
}
