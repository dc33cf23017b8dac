using System.Diagnostics;
using Lifeline.Benchmarks.Reporting;

namespace Lifeline.Benchmarks.Tests;

public sealed class PendingSampleTests
{
    private static readonly DateTimeOffset Published = new(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryResolve_AlarmLaterThanTheWait_GivesItsRealLatency()
    {
        // The reading waited 44 s at the broker behind an overloaded platform; its alarm came 45 s after the publish.
        var sample = new PendingSample("dev-1.o2", Published, Sent: 1_000, Published, TimeSpan.FromMilliseconds(10), BrokerMs: 2);
        var raised = new Dictionary<string, AlarmArrival>(StringComparer.Ordinal)
        {
            ["dev-1.o2"] = new("dev-1.o2", 1_000 + (45 * Stopwatch.Frequency), Published.AddSeconds(45), Published.AddSeconds(44), TimeSpan.FromMilliseconds(30)),
        };

        sample.TryResolve(raised, out var latency).ShouldBeTrue();

        latency.TotalMs.ShouldBe(45_000, tolerance: 0.001);
        latency.IngestMs.ShouldBe(44_000);
        latency.PushMs.ShouldBe(1_000);
        latency.GcPauseMs.ShouldBe(20);
        latency.BrokerMs.ShouldBe(2);
    }

    [Fact]
    public void TryResolve_NoRaiseOfThatSensorAfterThePublish_StaysPending()
    {
        var sample = new PendingSample("dev-1.o2", Published, Sent: 1_000 + Stopwatch.Frequency, Published, TimeSpan.Zero, BrokerMs: 2);
        var raised = new Dictionary<string, AlarmArrival>(StringComparer.Ordinal)
        {
            ["dev-1.o2"] = new("dev-1.o2", 1_000, Published, Published, TimeSpan.Zero), // before the publish: not this sample's
            ["dev-2.o2"] = new("dev-2.o2", 1_000 + (2 * Stopwatch.Frequency), Published, Published, TimeSpan.Zero), // another sensor
        };

        sample.TryResolve(raised, out _).ShouldBeFalse();
    }
}
