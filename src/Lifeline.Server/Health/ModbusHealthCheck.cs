using Lifeline.Ingestion.Modbus;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Health;

/// <summary>Modbus TCP polling: devices polled, connected, in comm loss (by id, with since when and why).</summary>
public sealed class ModbusHealthCheck(ModbusPollerState state, IOptions<ModbusOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Modbus polling disabled (Modbus:Enabled=false)"));
        }

        var devices = state.Snapshot();
        var lost = devices.Where(d => d.CommLoss).ToList();
        var data = new Dictionary<string, object>
        {
            ["running"] = state.IsRunning,
            ["devices"] = devices.Count,
            ["connected"] = devices.Count(d => d.Connected),
            ["commLoss"] = lost.Count,
            ["polls"] = devices.Sum(d => d.Polls),
            ["failedPolls"] = devices.Sum(d => d.FailedPolls),
            ["timeouts"] = devices.Sum(d => d.Timeouts),
            ["rejectedValues"] = devices.Sum(d => d.RejectedValues),
        };
        if (lost.Count > 0)
        {
            data["commLossDevices"] = lost.Take(20).ToDictionary(d => d.DeviceId, d => $"{d.Endpoint} since {d.CommLossSince:O}: {d.LastError}");
        }

        return Task.FromResult(lost.Count == 0
            ? HealthCheckResult.Healthy($"polling {devices.Count} Modbus devices", data)
            : HealthCheckResult.Degraded($"{lost.Count} of {devices.Count} Modbus devices not answering (comm loss alarms raised)", data: data));
    }
}
