using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class CommandMismatchDetectorTests
{
    private static readonly CommandFeedbackPair Fan1 = new() { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run" };

    private static CommandMismatchDetector Create(AnomalyOptions? options = null, CommandFeedbackPair? pair = null) =>
        new(Device(), Fan1Cmd, Fan1Run, pair ?? Fan1, options ?? new AnomalyOptions());

    [Fact]
    public void EvaluateTimers_CommandOnWithoutFeedbackFor30s_RaisesOnTheFeedbackChannel_ClearsWhenItFollows()
    {
        // Arrange: both off, then the fan is commanded on at 100 s.
        var sut = Create();
        Feed(sut, Fan1Cmd, 0, 0).ShouldBeEmpty();
        Feed(sut, Fan1Run, 0, 0).ShouldBeEmpty();
        Feed(sut, Fan1Cmd, 1, 100).ShouldBeEmpty();

        // Act / Assert
        Timers(sut, 129.9).ShouldBeEmpty();
        var raised = Timers(sut, 130).ShouldHaveSingleItem();
        raised.ShouldBe(AnomalyKinds.CommandMismatch, RuleTransitionKind.Raised, Sec(130));
        raised.Channel.ShouldBeSameAs(Fan1Run);
        raised.Value.ShouldBe(0);
        raised.Detail.ShouldBe("fan1_cmd on, fan1_run off for 30 s");
        Timers(sut, 200).ShouldBeEmpty();

        var cleared = Feed(sut, Fan1Run, 1, 205).ShouldHaveSingleItem();
        cleared.ShouldBe(AnomalyKinds.CommandMismatch, RuleTransitionKind.Cleared, Sec(205));
        cleared.Value.ShouldBe(1);
    }

    [Fact]
    public void EvaluateTimers_FeedbackArrivesInTime_NeverRaises()
    {
        // Arrange
        var sut = Create();
        Feed(sut, Fan1Run, 0, 0);
        Feed(sut, Fan1Cmd, 1, 100);
        Timers(sut, 110).ShouldBeEmpty();

        // Act
        Feed(sut, Fan1Run, 1, 129).ShouldBeEmpty();

        // Assert
        for (var t = 130; t < 400; t += 10)
        {
            Timers(sut, t).ShouldBeEmpty();
            Feed(sut, Fan1Cmd, 1, t).ShouldBeEmpty();
            Feed(sut, Fan1Run, 1, t).ShouldBeEmpty();
        }
    }

    [Fact]
    public void Evaluate_RepeatedCommandReadings_RaiseWithoutTheTimerPass()
    {
        // Arrange
        var sut = Create();
        Feed(sut, Fan1Run, 0, 0);

        // Act / Assert: the command is reported every second; the feedback stays off.
        for (var t = 0; t < 30; t++)
        {
            Feed(sut, Fan1Cmd, 1, t).ShouldBeEmpty();
        }

        Feed(sut, Fan1Cmd, 1, 30).ShouldHaveSingleItem().At.ShouldBe(Sec(30));
        Feed(sut, Fan1Cmd, 1, 31).ShouldBeEmpty();
    }

    [Fact]
    public void EvaluateTimers_FeedbackNeverSeen_CountsAsNotFollowing()
    {
        // Arrange
        var sut = Create();
        Feed(sut, Fan1Cmd, 1, 0);

        // Act / Assert
        Timers(sut, 30).ShouldHaveSingleItem().Detail.ShouldBe("fan1_cmd on, fan1_run unknown for 30 s");
    }

    [Fact]
    public void EvaluateTimers_CommandedOffButStillRunning_RaisesUnlessCheckOffIsDisabled()
    {
        // Arrange
        var checkingOff = Create();
        var notCheckingOff = Create(pair: new CommandFeedbackPair { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run", CheckOff = false });
        foreach (var sut in new[] { checkingOff, notCheckingOff })
        {
            Feed(sut, Fan1Cmd, 1, 0);
            Feed(sut, Fan1Run, 1, 1);
            Feed(sut, Fan1Cmd, 0, 100);
        }

        // Act / Assert
        Timers(checkingOff, 130).ShouldHaveSingleItem().Detail.ShouldBe("fan1_cmd off, fan1_run on for 30 s");
        Timers(notCheckingOff, 130).ShouldBeEmpty();
    }

    [Fact]
    public void EvaluateTimers_PairTimeoutOverridesTheDefault()
    {
        // Arrange
        var options = new AnomalyOptions();
        options.CommandMismatch.Timeout = TimeSpan.FromSeconds(60);
        var sut = Create(options, new CommandFeedbackPair { CommandChannel = "fan1_cmd", FeedbackChannel = "fan1_run", Timeout = TimeSpan.FromSeconds(10) });
        Feed(sut, Fan1Cmd, 1, 0);

        // Act / Assert
        Timers(sut, 9).ShouldBeEmpty();
        Timers(sut, 10).ShouldHaveSingleItem();
    }

    [Fact]
    public void Evaluate_FeedbackDropsWhileCommandedOn_RaisesAfterTheTimeout()
    {
        // Arrange: running normally, then the run feedback drops (trip) at 50 s.
        var sut = Create();
        Feed(sut, Fan1Cmd, 1, 0);
        Feed(sut, Fan1Run, 1, 5);
        Timers(sut, 40).ShouldBeEmpty();
        Feed(sut, Fan1Run, 0, 50).ShouldBeEmpty();

        // Act / Assert
        Timers(sut, 79).ShouldBeEmpty();
        Timers(sut, 80).ShouldHaveSingleItem().Change.ShouldBe(RuleTransitionKind.Raised);
    }
}
