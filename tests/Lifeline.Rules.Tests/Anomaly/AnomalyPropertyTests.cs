using FsCheck.Xunit;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules.Anomaly;
using static Lifeline.Rules.Tests.Anomaly.AnomalyKit;

namespace Lifeline.Rules.Tests.Anomaly;

public sealed class AnomalyPropertyTests
{
    /// <summary>
    /// O₂ around a level in 15–20 %vol with uniform noise of at most ±0.2 %vol, one message a second with a clean seq,
    /// timers every second, drift σ configured at the noise amplitude: no detector may raise. The bounds guarantee it —
    /// |Δ| ≤ 0.4 &lt; 2.5 %vol/s, |x − median| ≤ 0.4 &lt; 0.5 (minimum spike), |EWMA − target| ≤ a ≤ limit, 10 min &lt; 1 h flat.
    /// </summary>
    [Property(MaxTest = 60)]
    public void Engine_BoundedNoise_NeverRaises(int seed, byte amplitudeStep, byte levelStep)
    {
        // Arrange
        var level = 15 + (5.0 * levelStep / 255);
        var amplitude = 0.2 * (amplitudeStep + 1) / 256;
        var options = new AnomalyOptions();
        options.ForSensorType("o2").Drift.Target = level;
        options.ForSensorType("o2").Drift.Sigma = amplitude;
        var sut = new AnomalyEngine([Device()], options);
        var series = UniformNoise(600, level, amplitude, seed);
        var output = new List<AnomalyTransition>();

        // Act
        for (var t = 0; t < series.Length; t++)
        {
            sut.Evaluate(new Reading(DeviceId, "o2", series[t], Sec(t), t + 1), Sec(t), output);
            sut.EvaluateTimers(Sec(t + 0.5), output);
        }

        // Assert
        output.ShouldBeEmpty();
    }

    /// <summary>One spike of 1.5–5 %vol (either sign) anywhere in O₂ noise of ±0.05: exactly one raise at it and one clear 3 samples later.</summary>
    [Property(MaxTest = 100)]
    public void Spike_AnywhereInNoise_IsRaisedExactlyOnceAtItsSample(int seed, ushort positionStep, byte magnitudeStep, bool negative)
    {
        // Arrange
        var position = 50 + (positionStep % 400);
        var magnitude = 1.5 + (3.5 * magnitudeStep / 255);
        var series = UniformNoise(500, 20, 0.05, seed);
        series[position] += negative ? -magnitude : magnitude;

        // Act
        var transitions = Run(new SpikeDetector(Device(), O2, new AnomalyOptions()), O2, series);

        // Assert
        transitions.Select(t => (t.Transition.Change, t.Transition.At)).ShouldBe(
            [(RuleTransitionKind.Raised, Sec(position)), (RuleTransitionKind.Cleared, Sec(position + 3))]);
    }

    /// <summary>A counter that runs cleanly except for one jump of g: exactly one gap, of g − 1 messages.</summary>
    [Property(MaxTest = 100)]
    public void SeqGap_OneJump_IsReportedOnceWithItsSize(byte jumpStep, ushort positionStep, ushort startStep)
    {
        // Arrange
        var jump = 2 + jumpStep;
        var position = 1 + (positionStep % 200);
        var start = 20L + startStep;
        var seqs = Enumerable.Range(0, 300).Select(i => start + i + (i >= position ? jump - 1 : 0)).ToArray();
        var sut = new SeqGapDetector(Device(), new AnomalyOptions());

        // Act
        var raised = new List<AnomalyTransition>();
        for (var i = 0; i < seqs.Length; i++)
        {
            raised.AddRange(Feed(sut, O2, 20, i, seqs[i]).Where(t => t.IsRaised));
        }

        // Assert
        var gap = raised.ShouldHaveSingleItem();
        gap.Value.ShouldBe(jump - 1);
        gap.At.ShouldBe(Sec(position));
    }

    /// <summary>Readings arriving at random intervals shorter than the timeout never make the device offline.</summary>
    [Property(MaxTest = 100)]
    public void Offline_GapsShorterThanTheTimeout_NeverRaise(int seed)
    {
        // Arrange: 5 s interval, 15 s timeout; gaps of 0–14.9 s; timers every 0.5 s.
        var random = new Random(seed);
        var sut = new DeviceOfflineDetector(Device(TimeSpan.FromSeconds(5)), new AnomalyOptions());
        var output = new List<AnomalyTransition>();
        var next = 0.0;

        // Act
        for (var t = 0.0; t < 2000; t += 0.5)
        {
            if (t >= next)
            {
                sut.Evaluate(Reading(O2, 20.9, t), Sec(t), output);
                next = t + (random.NextDouble() * 14.5);
            }

            sut.EvaluateTimers(Sec(t), output);
        }

        // Assert
        output.ShouldBeEmpty();
    }
}
