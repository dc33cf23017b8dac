using Lifeline.Simulation.Publishing;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Simulation.Tests.Publishing;

public sealed class SimulatorCountersTests
{
    [Fact]
    public void Snapshot_Computes_The_Rate_Over_The_Last_Window()
    {
        var time = new FakeTimeProvider();
        var sut = new SimulatorCounters(time);

        for (var i = 0; i < 50; i++)
        {
            sut.MessageSent();
        }

        time.Advance(TimeSpan.FromSeconds(2));
        sut.Snapshot().Rate.ShouldBe(25);
        sut.MessageSent();
        sut.Snapshot().Rate.ShouldBe(25, "the window has not elapsed yet");
        time.Advance(TimeSpan.FromSeconds(1));
        var snapshot = sut.Snapshot();
        snapshot.Rate.ShouldBe(1);
        snapshot.Sent.ShouldBe(51);
    }

    [Fact]
    public void Errors_Keep_The_Last_Message()
    {
        var sut = new SimulatorCounters(new FakeTimeProvider());

        sut.Error("first");
        sut.Error("second");

        sut.Snapshot().Errors.ShouldBe(2);
        sut.Snapshot().LastError.ShouldBe("second");
    }
}
