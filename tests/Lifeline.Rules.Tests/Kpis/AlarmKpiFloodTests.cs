using Lifeline.Alarms.Kpis;
using Lifeline.Contracts.Alarms;
using static Lifeline.Rules.Tests.Kpis.KpiScript;

namespace Lifeline.Rules.Tests.Kpis;

public sealed class AlarmKpiFloodTests
{
    /// <summary>
    /// 25 activations 15 s apart (T0 … T0+6 min), then quiet. count(t) over (t − 10 min, t] passes 10 with the 11th
    /// (T0+150 s), peaks at 25 (T0+6 min) and drops below 5 when the 21st oldest leaves: T0 + 300 s + 10 min = T0+15 min.
    /// Flood 750 s of a 7,500 s window: 10 %.
    /// </summary>
    [Fact]
    public void Compute_25ActivationsIn6MinutesThenQuiet_OneFloodWithExactStartEndPeakAndTimeInFlood()
    {
        // Arrange
        var script = new KpiScript();
        for (var k = 0; k < 25; k++)
        {
            script.Raise(At(15 * k), sensor: $"dev-{k % 5}.o2");
        }

        script.AdvanceTo(AtMinutes(125));

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(125));

        // Assert
        var flood = kpis.Floods.ShouldHaveSingleItem();
        flood.ShouldBe(new FloodPeriod
        {
            Position = SiteA,
            Start = At(150),
            End = At(900),
            Duration = TimeSpan.FromSeconds(750),
            Peak = 25,
            Activations = 25,
        });
        kpis.TimeInFloodPercent.ShouldBe(10.0);
        var position = kpis.Positions.ShouldHaveSingleItem();
        position.Position.ShouldBe(SiteA);
        position.Sites.ShouldBe([SiteA]);
        position.Floods.ShouldBe(1);
        position.TimeInFloodPercent.ShouldBe(10.0);
        kpis.Activations.ShouldBe(25);
        kpis.Total.ShouldBe(new AlarmRateKpi
        {
            Activations = 25,
            AveragePer10Minutes = 2.0,
            PeakPer10Minutes = 25,
            PeakPer10MinutesAt = T0,
            AveragePerHour = 12.0,
            PeakPerHour = 25,
            PeakPerHourAt = T0,
            Rating = AlarmLoadRating.Manageable,
        });
        position.Rate.ShouldBe(kpis.Total);
    }

    /// <summary>
    /// 12 activations 10 s apart: the flood starts with the 11th (T0+100 s). At T0+5 min none has left the window yet, so
    /// the flood is still on: no end, 200 s of a 4,000 s window (5 %). Seen later, it ended when the 8th oldest left
    /// (12 − 8 = 4 &lt; 5): T0 + 70 s + 10 min.
    /// </summary>
    [Fact]
    public void Compute_FloodStillOnAtEndOfWindow_HasNoEndUntilTheCountDrops()
    {
        // Arrange
        var script = new KpiScript();
        for (var k = 0; k < 12; k++)
        {
            script.Raise(At(10 * k), sensor: $"dev-{k}.o2");
        }

        script.AdvanceTo(AtMinutes(60));

        // Act
        var ongoing = script.Calculator.Compute(At(300 - 4000), At(300));
        var later = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert
        ongoing.Floods.ShouldHaveSingleItem().ShouldBe(new FloodPeriod
        {
            Position = SiteA,
            Start = At(100),
            End = null,
            Duration = TimeSpan.FromSeconds(200),
            Peak = 12,
            Activations = 12,
        });
        ongoing.TimeInFloodPercent.ShouldBe(5.0);
        var ended = later.Floods.ShouldHaveSingleItem();
        ended.End.ShouldBe(At(670));
        ended.Duration.ShouldBe(TimeSpan.FromSeconds(570));
    }

    [Fact]
    public void Compute_TenActivationsInOneMinute_IsNoFlood()
    {
        // Arrange
        var script = new KpiScript();
        for (var k = 0; k < 10; k++)
        {
            script.Raise(At(6 * k), sensor: $"dev-{k}.o2");
        }

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(30));

        // Assert
        kpis.Floods.ShouldBeEmpty();
        kpis.TimeInFloodPercent.ShouldBe(0);
        kpis.Total.PeakPer10Minutes.ShouldBe(10);
    }

    /// <summary>
    /// Eleven activations one minute apart: the 1st and the 11th are exactly 10 min apart, and the window
    /// (t − 10 min, t] never holds more than 10 of them. One more activation 1 s earlier makes it 11 and a flood.
    /// </summary>
    [Fact]
    public void Compute_ElevenActivationsSpanningExactlyTheWindow_IsNoFloodButOneSecondLessIs()
    {
        // Arrange
        var exact = new KpiScript();
        var within = new KpiScript();
        for (var k = 0; k <= 10; k++)
        {
            exact.Raise(At(60 * k), sensor: $"dev-{k}.o2");
            within.Raise(At(k == 10 ? 599 : 60 * k), sensor: $"dev-{k}.o2");
        }

        // Act
        var none = exact.Calculator.Compute(T0, AtMinutes(60));
        var one = within.Calculator.Compute(T0, AtMinutes(60));

        // Assert
        none.Floods.ShouldBeEmpty();
        var flood = one.Floods.ShouldHaveSingleItem();
        flood.Start.ShouldBe(At(599));
        flood.Peak.ShouldBe(11);

        // The 1st leaves at 600 s (10 left), the 2nd at 660 s (9) … the 7th at 960 s (4 < 5).
        flood.End.ShouldBe(At(960));
    }

    /// <summary>
    /// Two floods of one position, 1 h apart, each of 12 activations 5 s apart; the window starts in the middle of the
    /// first, whose activations all lie before the window.
    /// </summary>
    [Fact]
    public void Compute_WindowStartingInAFlood_ReportsItsTrueStartAndClipsTheTimeInFlood()
    {
        // Arrange
        var script = new KpiScript();
        for (var k = 0; k < 12; k++)
        {
            script.Raise(At(5 * k), sensor: $"dev-{k}.o2");
        }

        for (var k = 0; k < 12; k++)
        {
            script.Raise(AtMinutes(60) + TimeSpan.FromSeconds(5 * k), sensor: $"dev-{k}.o2");
        }

        script.AdvanceTo(AtMinutes(120));

        // Act: the window starts at T0+5 min, inside the first flood.
        var kpis = script.Calculator.Compute(AtMinutes(5), AtMinutes(105));

        // Assert: starts with the 11th (50 s); ends when the 8th oldest (35 s) leaves: 635 s. Same shape 1 h later.
        kpis.Floods.Select(f => (f.Start, f.End, f.Peak, f.Activations)).ShouldBe(
        [
            (At(50), At(635), 12, 12),
            (AtMinutes(60) + TimeSpan.FromSeconds(50), AtMinutes(60) + TimeSpan.FromSeconds(635), 12, 12),
        ]);

        // In the window: 300 … 635 s (335 s) plus 585 s, of 6,000 s.
        kpis.TimeInFloodPercent.ShouldBe(100.0 * (335 + 585) / 6000, 1e-9);
        kpis.Activations.ShouldBe(12);
    }

    [Fact]
    public void Compute_FloodOnlyOfThePositionTogether_IsReportedForThePositionNotItsSites()
    {
        // Arrange: two sites of one position, six activations each in the same 10 minutes (12 > 10 together).
        var options = new AlarmKpiOptions();
        options.Positions["north"] = ["site-a", "site-b"];
        var script = new KpiScript(options);
        for (var k = 0; k < 6; k++)
        {
            script.Raise(At(20 * k), site: "site-a", sensor: $"a-{k}.o2");
            script.Raise(At((20 * k) + 10), site: "site-b", sensor: $"b-{k}.o2");
        }

        script.Raise(At(30), site: "site-c", sensor: "c-1.o2");
        script.AdvanceTo(AtMinutes(60));

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert: the 11th activation of north is at 100 s (a-5); 12th at 110 s. Ends when the 8th oldest (70 s) leaves.
        var flood = kpis.Floods.ShouldHaveSingleItem();
        flood.Position.ShouldBe("north");
        flood.Start.ShouldBe(At(100));
        flood.End.ShouldBe(At(670));
        flood.Peak.ShouldBe(12);
        kpis.Positions.Select(p => (p.Position, p.Rate.Activations, p.Floods)).ShouldBe([("north", 12, 1), ("site-c", 1, 0)]);
    }
}
