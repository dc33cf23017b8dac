using Lifeline.Simulation.Publishing;

namespace Lifeline.Simulation.Tests.Publishing;

public sealed class PublishScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Devices_Are_Spread_Evenly_Over_The_Period()
    {
        var sut = new PublishSchedule(Start, ratePerDevice: 1, deviceCount: 10);

        sut.Period.ShouldBe(TimeSpan.FromSeconds(1));
        Enumerable.Range(0, 10).Select(i => sut.Phase(i).TotalMilliseconds).ShouldBe([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
        sut.Due(3, 5).ShouldBe(Start.AddMilliseconds(5300));
    }

    [Fact]
    public void Rate_Sets_The_Period()
    {
        new PublishSchedule(Start, 4, 1).Period.ShouldBe(TimeSpan.FromMilliseconds(250));
        new PublishSchedule(Start, 0.1, 1).Period.ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void CycleAtOrAfter_Finds_The_Next_Slot()
    {
        var sut = new PublishSchedule(Start, 1, 10);

        sut.CycleAtOrAfter(3, Start).ShouldBe(0);
        sut.CycleAtOrAfter(3, Start.AddMilliseconds(300)).ShouldBe(0);
        sut.CycleAtOrAfter(3, Start.AddMilliseconds(301)).ShouldBe(1);
        sut.CycleAtOrAfter(3, Start.AddSeconds(10)).ShouldBe(10);
    }
}
