using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class SeqGapDetectorTests
{
    private static SeqGapDetector Create() => new(Device(), new AnomalyOptions());

    /// <summary>Feeds one message per seq (at second i), each carrying <paramref name="valuesPerMessage"/> readings.</summary>
    private static List<(long Seq, AnomalyTransition Transition)> Messages(SeqGapDetector sut, IEnumerable<long> seqs, int valuesPerMessage = 1)
    {
        var result = new List<(long, AnomalyTransition)>();
        var output = new List<AnomalyTransition>();
        var i = 0;
        foreach (var seq in seqs)
        {
            for (var v = 0; v < valuesPerMessage; v++)
            {
                var reading = Reading(v % 2 == 0 ? O2 : Temp, 20, i, seq);
                sut.Evaluate(reading, reading.Timestamp, output);
            }

            result.AddRange(output.Select(t => (seq, t)));
            output.Clear();
            i++;
        }

        return result;
    }

    private static IEnumerable<long> Seq(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(x => (long)x);

    [Fact]
    public void Evaluate_OneToTenThen14_ReportsAGapOfThree()
    {
        // Arrange
        var sut = Create();

        // Act
        var transitions = Messages(sut, [.. Seq(1, 10), 14]);

        // Assert
        var (seq, raised) = transitions.ShouldHaveSingleItem();
        seq.ShouldBe(14);
        raised.ShouldBe(AnomalyKinds.SeqGap, RuleTransitionKind.Raised, Sec(10));
        raised.Value.ShouldBe(3);
        raised.Channel.ShouldBeNull();
        raised.Detail.ShouldBe("3 messages lost (seq 10 → 14)");
        sut.LostMessages.ShouldBe(3);
    }

    [Fact]
    public void Evaluate_ResetToOne_IsARestartNotAGap()
    {
        // Arrange
        var sut = Create();

        // Act
        var transitions = Messages(sut, [.. Seq(1, 500), .. Seq(1, 20)]);

        // Assert
        transitions.ShouldBeEmpty();
        sut.Restarts.ShouldBe(1);
        sut.LostMessages.ShouldBe(0);
    }

    [Fact]
    public void Evaluate_RestartWhoseFirstMessagesAreLost_IsStillARestart()
    {
        // Act / Assert: the device restarts and its first message to arrive is seq 4 (≤ 10).
        Messages(Create(), [.. Seq(1, 500), .. Seq(4, 20)]).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_ManyReadingsPerMessage_AreOneMessage()
    {
        // Act / Assert: five values per message share a seq.
        Messages(Create(), Seq(1, 100), valuesPerMessage: 5).ShouldBeEmpty();
    }

    [Fact]
    public void Evaluate_AfterAGap_ClearsAfterTenCleanMessages()
    {
        // Act
        var transitions = Messages(Create(), [.. Seq(1, 10), .. Seq(14, 40)]);

        // Assert: 15 … 24 are the ten clean messages.
        transitions.Select(t => (t.Seq, t.Transition.Change)).ShouldBe([(14, RuleTransitionKind.Raised), (24, RuleTransitionKind.Cleared)]);
        transitions[1].Transition.Value.ShouldBe(0);
    }

    [Fact]
    public void Evaluate_SecondGapBeforeClear_StaysRaisedAndRestartsTheCount()
    {
        // Act
        var transitions = Messages(Create(), [.. Seq(1, 10), .. Seq(14, 18), .. Seq(20, 40)]);

        // Assert: 20 is the second gap; 21 … 30 clear it.
        transitions.Select(t => (t.Seq, t.Transition.Change)).ShouldBe([(14, RuleTransitionKind.Raised), (30, RuleTransitionKind.Cleared)]);
    }

    [Fact]
    public void Evaluate_LateOrDuplicateMessage_IsIgnored()
    {
        // Arrange
        var sut = Create();

        // Act: QoS 1 redelivers 98 after 100.
        var transitions = Messages(sut, [.. Seq(1, 100), 98, .. Seq(101, 120)]);

        // Assert
        transitions.ShouldBeEmpty();
        sut.Restarts.ShouldBe(0);
    }

    [Fact]
    public void Evaluate_FarBackwardsJump_IsARestart()
    {
        // Arrange
        var sut = Create();

        // Act
        var transitions = Messages(sut, [.. Seq(5000, 5100), .. Seq(3000, 3050)]);

        // Assert
        transitions.ShouldBeEmpty();
        sut.Restarts.ShouldBe(1);
    }

    [Fact]
    public void Evaluate_ReadingsWithoutSeq_AreIgnored()
    {
        // Arrange
        var sut = Create();
        Messages(sut, Seq(1, 10));

        // Act / Assert
        Feed(sut, O2, 20, 100, seq: null).ShouldBeEmpty();
        Feed(sut, O2, 20, 101, seq: 11).ShouldBeEmpty();
    }
}
