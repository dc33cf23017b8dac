using Lifeline.Modbus.Ingestion.Tests.Support;
using Lifeline.Testing;
using static Lifeline.Modbus.Ingestion.Tests.Support.PollerRegistry;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>Timing tests over real sockets: they run alone, so that other tests do not load the machine meanwhile.</summary>
[CollectionDefinition(nameof(TimingCollection), DisableParallelization = true)]
public sealed class TimingCollection;

/// <summary>
/// A dead, a refusing and a slow device next to twenty live ones: each device polls on its own loop, so the live ones
/// keep their period. Real time on loopback: the assertions leave room for a loaded machine (a few polls, 20 % of the
/// period), never a tight absolute timing.
/// </summary>
[Collection(nameof(TimingCollection))]
public sealed class PollerIsolationTests(ITestOutputHelper output)
{
    private const int Live = 20;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    [Fact(Timeout = 120_000)]
    public async Task DeadRefusingAndSlowDevices_DoNotDelayTwentyLiveOnes()
    {
        var slaves = new List<TestSlave>();
        await using var silent = new SilentSlave();
        await using var slowUpstream = await TestSlave.StartAsync();
        await using var slow = new DelayingProxy(slowUpstream.Port, RequestTimeout * 0.8);
        try
        {
            for (var i = 1; i <= Live; i++)
            {
                var slave = await TestSlave.StartAsync();
                slave.Store.SetInputRegisters(0, (ushort)i, (ushort)(100 + i));
                slaves.Add(slave);
            }

            slowUpstream.Store.SetInputRegisters(0, 77, 177);
            var silentId = DeviceId("iso", Live + 1);
            var closedId = DeviceId("iso", Live + 2);
            var slowId = DeviceId("iso", Live + 3);
            var endpoints = slaves.Select((s, i) => (DeviceId("iso", i + 1), s.Port))
                .Append((silentId, silent.Port))
                .Append((closedId, FreePort.Next()))
                .Append((slowId, slow.Port))
                .ToArray();
            var registry = Create("iso", endpoints.Length, ("a", Wide), ("b", Wide));
            var yaml = PollerDecodingTests.Document(
                ["a: {table: input_register, address: 0, type: uint16}", "b: {table: input_register, address: 1, type: uint16}"],
                $"{Period.TotalMilliseconds}ms",
                endpoints);
            var options = PollerHarness.FastOptions(RequestTimeout);

            // The slow device's polls are 900 ms apart (an 800 ms answer, then the next 300 ms tick): with the default
            // 3 intervals of silence, one late answer on a loaded machine would count as communication loss.
            options.CommLossIntervals = 10;
            var liveIds = Enumerable.Range(1, Live).Select(i => DeviceId("iso", i)).ToList();

            await using var poller = await PollerHarness.StartAsync(registry, yaml, options);
            await poller.Sink.WaitUntilAsync(s => liveIds.All(id => s.Batches(id).Count > 0), TimeSpan.FromSeconds(20), "a first poll of every live device");
            var t0 = TimeProvider.System.GetUtcNow();
            await poller.Sink.WaitUntilAsync(
                s => liveIds.All(id => s.Batches(id).Count(b => b.ReceivedAt > t0) >= 10)
                    && s.Statuses(silentId).Count > 0 && s.Statuses(closedId).Count > 0,
                TimeSpan.FromSeconds(30),
                "ten polls of every live device and communication loss of the dead ones");
            var end = TimeProvider.System.GetUtcNow();

            var window = end - t0;
            var expected = window / Period;
            var counts = liveIds.ToDictionary(id => id, id => poller.Sink.Batches(id).Count(b => b.ReceivedAt > t0 && b.ReceivedAt <= end));
            var medians = liveIds.ToDictionary(id => id, id => MedianPeriod(poller.Sink.Batches(id)));
            output.WriteLine($"window {window.TotalMilliseconds:F0} ms, expected {expected:F1} polls per live device at {Period.TotalMilliseconds:F0} ms");
            output.WriteLine($"polls per live device: min {counts.Values.Min()}, max {counts.Values.Max()}");
            output.WriteLine($"median period per live device: min {medians.Values.Min():F1} ms, max {medians.Values.Max():F1} ms");
            output.WriteLine($"slow device: {poller.Sink.Batches(slowId).Count} polls, median period {MedianPeriod(poller.Sink.Batches(slowId)):F0} ms");
            output.WriteLine($"silent: {poller.Device(silentId)}");
            output.WriteLine($"closed: {poller.Device(closedId)}");

            foreach (var id in liveIds)
            {
                counts[id].ShouldBeGreaterThanOrEqualTo((int)expected - 2, id);
                medians[id].ShouldBeInRange(Period.TotalMilliseconds * 0.8, Period.TotalMilliseconds * 1.2, id);
                poller.Sink.Statuses(id).ShouldBeEmpty(id);
                poller.Sink.Latest(id)["a"].ShouldBe(liveIds.IndexOf(id) + 1);
            }

            foreach (var dead in (string[])[silentId, closedId])
            {
                poller.Sink.Statuses(dead).Select(s => s.Online).ShouldBe([false], dead);
                poller.Device(dead).CommLoss.ShouldBeTrue(dead);
                poller.Sink.Batches(dead).ShouldBeEmpty(dead);
            }

            poller.Device(silentId).Timeouts.ShouldBeGreaterThan(0);
            silent.Connections.ShouldBeGreaterThan(0, "the silent device accepted connections and never answered");
            poller.Sink.Statuses(slowId).ShouldBeEmpty();
            poller.Sink.Batches(slowId).Count.ShouldBeGreaterThan(0);
            poller.Sink.Latest(slowId)["a"].ShouldBe(77);
            poller.Device(slowId).CommLoss.ShouldBeFalse();
        }
        finally
        {
            foreach (var slave in slaves)
            {
                await slave.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task SlaveGoesAwayAndComesBack_OfflineOnce_OnlineOnce_ReadingsResume()
    {
        await using var steady = await TestSlave.StartAsync();
        await using var flaky = await TestSlave.StartAsync(FreePort.Next());
        flaky.Store.SetInputRegisters(0, 5);
        var flakyId = DeviceId("cl", 1);
        var steadyId = DeviceId("cl", 2);
        var registry = Create("cl", 2, ("a", Wide));
        var yaml = PollerDecodingTests.Document(["a: {table: input_register, address: 0, type: uint16}"], "200ms", (flakyId, flaky.Port), (steadyId, steady.Port));
        await using var poller = await PollerHarness.StartAsync(registry, yaml, PollerHarness.FastOptions(TimeSpan.FromMilliseconds(300)));
        var bound = TimeSpan.FromSeconds(30);
        await poller.Sink.WaitUntilAsync(s => s.Batches(flakyId).Count >= 2, bound, "two polls of the flaky device");

        await flaky.Server.StopAsync();
        await poller.Sink.WaitUntilAsync(s => s.Statuses(flakyId).Count > 0, bound, "communication loss");
        var failedAtLoss = poller.Device(flakyId).FailedPolls;

        // Keep it down for five more failed polls: still exactly one offline report. (The steady device's batches
        // wake the wait.)
        await poller.Sink.WaitUntilAsync(_ => poller.Device(flakyId).FailedPolls >= failedAtLoss + 5, bound, "five more failed polls");
        poller.Sink.Statuses(flakyId).Select(s => s.Online).ShouldBe([false]);
        poller.Device(flakyId).CommLoss.ShouldBeTrue();

        flaky.Store.SetInputRegisters(0, 6);
        await flaky.Server.StartAsync();
        await poller.Sink.WaitUntilAsync(s => s.Statuses(flakyId).Count > 1, bound, "communication restored");
        var batchesAtRecovery = poller.Sink.Batches(flakyId).Count;
        await poller.Sink.WaitUntilAsync(s => s.Batches(flakyId).Count >= batchesAtRecovery + 3, bound, "three polls after recovery");

        var statuses = poller.Sink.Statuses(flakyId);
        statuses.Select(s => s.Online).ShouldBe([false, true]);
        statuses[1].At.ShouldBeGreaterThan(statuses[0].At);
        poller.Sink.Latest(flakyId)["a"].ShouldBe(6);
        var device = poller.Device(flakyId);
        (device.CommLoss, device.CommLossSince, device.Connected).ShouldBe((false, null, true));
        device.Connects.ShouldBeGreaterThanOrEqualTo(2);
        poller.Logger.Count(600, flakyId).ShouldBe(1, "communication loss logged once");
        poller.Logger.Count(601, flakyId).ShouldBe(1, "recovery logged once");
        poller.Sink.Statuses(steadyId).ShouldBeEmpty();
    }

    /// <summary>Median time between consecutive batches, in milliseconds.</summary>
    private static double MedianPeriod(IReadOnlyList<Lifeline.Domain.Telemetry.TelemetryBatch> batches)
    {
        var gaps = batches.Zip(batches.Skip(1), (a, b) => (b.ReceivedAt - a.ReceivedAt).TotalMilliseconds).Order().ToList();
        return gaps.Count == 0 ? double.NaN : gaps[gaps.Count / 2];
    }
}
