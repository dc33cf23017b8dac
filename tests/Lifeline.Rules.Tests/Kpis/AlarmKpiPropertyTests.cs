using FsCheck.Xunit;
using static Lifeline.Rules.Tests.Kpis.KpiScript;

namespace Lifeline.Rules.Tests.Kpis;

public sealed class AlarmKpiPropertyTests
{
    /// <summary>
    /// Activations at whole seconds with random gaps (0–96 s, so floods come and go): the floods found by the calculator's
    /// event sweep are those of a brute-force scan of count(t) over (t − 600 s, t] at every second of the window.
    /// </summary>
    [Property(MaxTest = 100)]
    public void Floods_MatchABruteForceScanOfEverySecond(byte[] gaps)
    {
        // Arrange
        var times = new List<int>();
        var t = 0;
        foreach (var gap in (gaps ?? []).Take(300))
        {
            t += gap % 97;
            times.Add(t);
        }

        var script = new KpiScript();
        for (var k = 0; k < times.Count; k++)
        {
            script.Raise(At(times[k]), sensor: $"dev-{k % 13}.o2");
        }

        var end = t + 1000;
        script.AdvanceTo(At(end));

        // Act
        var kpis = script.Calculator.Compute(T0, At(end));

        // Assert
        var expected = BruteForceFloods(times, end);
        kpis.Floods.Select(f => ((int)(f.Start - T0).TotalSeconds, f.End is { } e ? (int)(e - T0).TotalSeconds : (int?)null, f.Peak))
            .ShouldBe(expected);
        kpis.TimeInFloodPercent.ShouldBe(100.0 * expected.Sum(f => (f.End ?? end) - f.Start) / end, 1e-9);
        kpis.Activations.ShouldBe(times.Count);
    }

    private static List<(int Start, int? End, int Peak)> BruteForceFloods(List<int> times, int end)
    {
        var floods = new List<(int Start, int? End, int Peak)>();
        // atOrBefore[s]: activations at or before second s.
        var atOrBefore = new int[end + 1];
        foreach (var a in times)
        {
            atOrBefore[a]++;
        }

        for (var second = 1; second <= end; second++)
        {
            atOrBefore[second] += atOrBefore[second - 1];
        }

        int? start = null;
        var peak = 0;
        for (var second = 0; second <= end; second++)
        {
            var count = atOrBefore[second] - (second >= 600 ? atOrBefore[second - 600] : 0);
            if (start is null)
            {
                if (count > 10)
                {
                    start = second;
                    peak = count;
                }
            }
            else
            {
                peak = Math.Max(peak, count);
                if (count < 5)
                {
                    floods.Add((start.Value, second, peak));
                    start = null;
                }
            }
        }

        if (start is { } open)
        {
            floods.Add((open, null, peak));
        }

        return floods;
    }
}
