using Lifeline.Ingestion.Modbus;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary>When a device counts as in communication loss, and that each change is reported once.</summary>
public sealed class CommLossTrackerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ConsecutiveFailures_LostOnTheNth_ThenNothingMore()
    {
        var tracker = new CommLossTracker(failures: 3, silence: TimeSpan.FromHours(1), T0);

        tracker.Failure(T0.AddSeconds(1)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(2)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(3)).ShouldBe(CommTransition.Lost);
        tracker.Failure(T0.AddSeconds(4)).ShouldBe(CommTransition.None);
        tracker.InCommLoss.ShouldBeTrue();
    }

    [Fact]
    public void GoodPoll_ResetsTheCount()
    {
        var tracker = new CommLossTracker(failures: 3, silence: TimeSpan.FromHours(1), T0);

        tracker.Failure(T0.AddSeconds(1));
        tracker.Failure(T0.AddSeconds(2));
        tracker.Success(T0.AddSeconds(3)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(4)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(5)).ShouldBe(CommTransition.None);
        tracker.InCommLoss.ShouldBeFalse();
    }

    [Fact]
    public void NothingGoodForTheSilence_LostOnTheFirstFailureAfterIt()
    {
        var tracker = new CommLossTracker(failures: 100, silence: TimeSpan.FromSeconds(3), T0);
        tracker.Success(T0.AddSeconds(1));

        tracker.Failure(T0.AddSeconds(3.9)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(4)).ShouldBe(CommTransition.Lost);
    }

    [Fact]
    public void NeverAnswered_SilenceCountsFromTheStart()
    {
        var tracker = new CommLossTracker(failures: 100, silence: TimeSpan.FromSeconds(3), T0);

        tracker.Failure(T0.AddSeconds(2)).ShouldBe(CommTransition.None);
        tracker.Failure(T0.AddSeconds(3)).ShouldBe(CommTransition.Lost);
    }

    [Fact]
    public void Recovery_RestoredOnce()
    {
        var tracker = new CommLossTracker(failures: 1, silence: TimeSpan.FromHours(1), T0);
        tracker.Failure(T0.AddSeconds(1)).ShouldBe(CommTransition.Lost);

        tracker.Success(T0.AddSeconds(2)).ShouldBe(CommTransition.Restored);
        tracker.Success(T0.AddSeconds(3)).ShouldBe(CommTransition.None);
        tracker.InCommLoss.ShouldBeFalse();
        tracker.Failure(T0.AddSeconds(4)).ShouldBe(CommTransition.Lost);
    }
}
