using Lifeline.Ingestion.Modbus;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>Due times stay on the grid start + k × interval, whatever the polls took.</summary>
public sealed class PollGridTests
{
    private const long Interval = 1_000;

    [Theory]
    [InlineData(5_000, 5_001, 6_000)]   // a 1-tick poll: the next tick
    [InlineData(5_000, 5_999, 6_000)]   // a poll just under the interval: still the next tick, no drift
    [InlineData(5_000, 6_000, 7_000)]   // took exactly an interval: the tick that is due now is skipped
    [InlineData(5_000, 7_500, 8_000)]   // overran 2.5 intervals: two ticks skipped, back on the grid
    [InlineData(5_000, 4_000, 5_000)]   // woken early: the same due time
    public void Next_StaysOnTheGrid(long due, long now, long expected) => PollGrid.Next(due, now, Interval).ShouldBe(expected);

    [Fact]
    public void ManyPollsOfVaryingLength_NoDriftAccumulates()
    {
        var due = 0L;
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var now = due + random.Next(0, 900);
            due = PollGrid.Next(due, now, Interval);
        }

        due.ShouldBe(10_000 * Interval);
    }
}
