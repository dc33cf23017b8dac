using System.Collections.Concurrent;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus;
using Lifeline.Testing;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Tests.Modbus;

/// <summary>The platform's own poller (<see cref="ModbusPollerService"/>) polling the simulator's slaves.</summary>
public sealed class FarmPollerTests
{
    [Fact(Timeout = 120_000)]
    public async Task Poller_Gets_Every_Channel_Of_Every_Modbus_Device_Without_Rejects()
    {
        await using var harness = await SlaveFarmHarness.StartAsync();
        harness.UpdateAt(TimeSpan.FromMinutes(7));
        var served = harness.Farm.ServedPlan();
        served.Devices.Count.ShouldBe(51, "12 plant, 6 gas-station and 33 zone-controller devices (Qingquan Rd trunk)");
        using var sink = new LatestValues();
        var state = new ModbusPollerState();
        using var metrics = new ModbusMetrics();
        var logger = new CapturingLogger<ModbusPollerService>();
        var options = new ModbusOptions { Enabled = true, RequestTimeout = TimeSpan.FromSeconds(2), ConnectTimeout = TimeSpan.FromSeconds(2) };
        using var poller = new ModbusPollerService(served, sink, state, metrics, Options.Create(options), TimeProvider.System, logger);

        await poller.StartAsync(CancellationToken.None);
        try
        {
            var all = await sink.WaitUntilAsync(s => served.Devices.All(d => d.Device.Channels.All(c => s.Has(d.DeviceId, c.Name))), TimeSpan.FromSeconds(30));
            all.ShouldBeTrue($"missing: {string.Join(", ", served.Devices.SelectMany(d => d.Device.Channels.Where(c => !sink.Has(d.DeviceId, c.Name)).Select(c => $"{d.DeviceId}.{c.Name}")))}");
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await poller.StopAsync(stop.Token);
        }

        foreach (var device in served.Devices)
        {
            var snapshot = state.Devices.Single(d => d.DeviceId == device.DeviceId).Snapshot();
            snapshot.RejectedValues.ShouldBe(0, $"{device.DeviceId}: {string.Join("; ", logger.Entries.Select(e => e.Message))}");
            snapshot.FailedPolls.ShouldBe(0, $"{device.DeviceId}: {snapshot.LastError}");
            var simulated = harness.Farm.ValuesOf(device.DeviceId);
            foreach (var point in device.Groups.SelectMany(g => g.Points))
            {
                // The registers hold still (the simulation clock is fake), so every poll read the same tick.
                var read = sink.Latest(device.DeviceId, point.Name);
                Math.Abs(read - simulated[point.Name]).ShouldBeLessThanOrEqualTo(Points.Resolution(point, read), Points.Describe(device.DeviceId, point, read, simulated[point.Name]));
            }
        }

        sink.Statuses.ShouldNotContain(s => !s.Online, "no device fell into communication loss");
    }

    /// <summary>Keeps the latest reading per device and channel, and the status changes.</summary>
    private sealed class LatestValues : ITelemetrySink, IDisposable
    {
        private readonly ConcurrentDictionary<(string Device, string Channel), double> _latest = new();
        private readonly ConcurrentQueue<(string Device, bool Online)> _statuses = new();
        private readonly SemaphoreSlim _arrived = new(0);

        public IReadOnlyList<(string Device, bool Online)> Statuses => [.. _statuses];

        public void Dispose() => _arrived.Dispose();

        public bool Has(string device, string channel) => _latest.ContainsKey((device, channel));

        public double Latest(string device, string channel) => _latest[(device, channel)];

        public ValueTask<Task> AcceptAsync(TelemetryBatch batch, CancellationToken cancellationToken)
        {
            foreach (var reading in batch.Readings)
            {
                _latest[(reading.DeviceId, reading.Channel)] = reading.Value;
            }

            _arrived.Release();
            return ValueTask.FromResult(Task.CompletedTask);
        }

        public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at)
        {
            _statuses.Enqueue((deviceId, online));
            _arrived.Release();
        }

        /// <summary>Re-checks <paramref name="condition"/> whenever a batch arrives; false once <paramref name="timeout"/> passed.</summary>
        public async Task<bool> WaitUntilAsync(Func<LatestValues, bool> condition, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (!condition(this))
            {
                try
                {
                    await _arrived.WaitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return condition(this);
                }
            }

            return true;
        }
    }
}
