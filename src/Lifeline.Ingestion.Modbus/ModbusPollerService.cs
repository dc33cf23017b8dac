using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus.Profiles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// Polls every device of the <see cref="ModbusPollPlan"/> over Modbus TCP and hands the readings to the
/// <see cref="ITelemetrySink"/>, one batch per poll group per device, like MQTT ingestion. Each device runs on its own
/// task with its own connection; their first polls are spread over the shortest interval. Communication loss and
/// recovery go to <see cref="ITelemetrySink.DeviceStatusChanged"/>; per-device figures to <see cref="ModbusPollerState"/>.
/// Does nothing unless <see cref="ModbusOptions.Enabled"/>.
/// </summary>
public sealed partial class ModbusPollerService(
    ModbusPollPlan plan,
    ITelemetrySink sink,
    ModbusPollerState state,
    ModbusMetrics metrics,
    IOptions<ModbusOptions> options,
    TimeProvider time,
    ILogger<ModbusPollerService> logger) : BackgroundService
{
    private readonly ModbusOptions _options = options.Value;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            Log.Disabled(logger);
            return;
        }

        if (plan.Devices.Count == 0)
        {
            Log.NothingToPoll(logger);
            return;
        }

        var rateLimited = new RateLimitedLog(time, _options.LogInterval);
        var pollers = plan.Devices
            .Select(d => new DevicePoller(d, _options, sink, state.Register(d.DeviceId, d.Endpoint), metrics, time, logger, rateLimited, state.Connection(d, _options, time)))
            .ToList();
        var spread = plan.Devices.Min(d => d.FastestInterval);
        var groups = plan.Devices.Sum(d => d.Groups.Count);
        state.SetRunning(true);
        Log.Started(logger, pollers.Count, groups);
        try
        {
            // Task.Run: a device whose first steps block (name resolution, a slow connect) cannot hold up the others.
            var runs = pollers
                .Select((p, i) => Task.Run(() => p.RunAsync(spread * i / pollers.Count, stoppingToken), CancellationToken.None))
                .ToArray();
            await Task.WhenAll(runs);
        }
        finally
        {
            state.SetRunning(false);
            foreach (var poller in pollers)
            {
                await poller.DisposeAsync();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 610, Level = LogLevel.Information, Message = "Modbus polling started: {Devices} devices, {Groups} poll groups")]
        public static partial void Started(ILogger logger, int devices, int groups);

        [LoggerMessage(EventId = 611, Level = LogLevel.Debug, Message = "Modbus polling is disabled (Modbus:Enabled=false)")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = 612, Level = LogLevel.Information, Message = "Modbus polling is enabled but modbus.yaml lists no devices")]
        public static partial void NothingToPoll(ILogger logger);
    }
}
