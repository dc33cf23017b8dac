using Lifeline.Alarms.Kpis;
using Lifeline.Contracts.Alarms;
using static Lifeline.Rules.Tests.Kpis.KpiScript;

namespace Lifeline.Rules.Tests.Kpis;

public sealed class AlarmKpiCalculatorTests
{
    /// <summary>
    /// Window 08:05–09:05 (one hour, six 10-minute periods). Inside: 3 activations in 08:00–08:10, 2 in 08:10–08:20 and
    /// 1 in 09:00–09:10; one more at 08:04 lies before the window. Average 6 per hour = 1 per 10 min: acceptable.
    /// </summary>
    [Fact]
    public void Compute_RatesOverAnUnalignedWindow_AveragesOverTheWindowAndPeaksOverClockPeriods()
    {
        // Arrange
        var script = new KpiScript();
        foreach (var minute in new[] { 4, 6, 7, 8, 12, 13, 61 })
        {
            script.Raise(AtMinutes(minute), sensor: $"dev-{minute}.o2");
        }

        // Act
        var kpis = script.Calculator.Compute(AtMinutes(5), AtMinutes(65));

        // Assert
        kpis.Total.ShouldBe(new AlarmRateKpi
        {
            Activations = 6,
            AveragePer10Minutes = 1.0,
            PeakPer10Minutes = 3,
            PeakPer10MinutesAt = T0,
            AveragePerHour = 6.0,
            PeakPerHour = 5,
            PeakPerHourAt = T0,
            Rating = AlarmLoadRating.Acceptable,
        });
    }

    [Fact]
    public void Compute_ThirteenActivationsInAnHour_IsOverDemanding()
    {
        // Arrange: 13 activations, one every 4 minutes from 08:00 (08:00 … 08:48).
        var script = new KpiScript();
        for (var k = 0; k < 13; k++)
        {
            script.Raise(AtMinutes(4 * k), sensor: $"dev-{k}.o2");
        }

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert: 13 / 6 per 10 min; 08:00–08:10 holds 08:00, 08:04, 08:08.
        kpis.Total.AveragePer10Minutes.ShouldBe(13.0 / 6, 1e-12);
        kpis.Total.Rating.ShouldBe(AlarmLoadRating.OverDemanding);
        kpis.Total.PeakPer10Minutes.ShouldBe(3);
        kpis.Total.PeakPer10MinutesAt.ShouldBe(T0);
        kpis.Total.PeakPerHour.ShouldBe(13);
        kpis.Targets.AcceptablePer10Minutes.ShouldBe(1);
        kpis.Targets.ManageablePer10Minutes.ShouldBe(2);
    }

    [Fact]
    public void Compute_PositionsMapSitesAndUnmappedSitesArePositionsOfTheirOwn()
    {
        // Arrange
        var options = new AlarmKpiOptions();
        options.Positions["north"] = ["site-a", "site-b"];
        options.Positions["south"] = ["site-d"];
        var script = new KpiScript(options);
        script.Raise(AtMinutes(1), site: "site-a", sensor: "a.o2");
        script.Raise(AtMinutes(2), site: "site-b", sensor: "b.o2");
        script.Raise(AtMinutes(3), site: "site-b", sensor: "b.ch4", rule: "ch4.high");
        script.Raise(AtMinutes(4), site: "site-c", sensor: "c.o2");
        script.Raise(AtMinutes(5), site: "site-c", sensor: "c.o2");
        script.Raise(AtMinutes(6), site: "site-c", sensor: "c.o2");

        // Act
        var all = script.Calculator.Compute(T0, AtMinutes(60));
        var siteC = script.Calculator.Compute(T0, AtMinutes(60), "site-c");
        var north = script.Calculator.Compute(T0, AtMinutes(60), "north");

        // Assert: the configured positions are listed even without activations.
        all.Positions.Select(p => (p.Position, string.Join(",", p.Sites), p.Rate.Activations)).ShouldBe(
        [
            ("north", "site-a,site-b", 3),
            ("site-c", "site-c", 3),
            ("south", "site-d", 0),
        ]);
        all.Activations.ShouldBe(6);
        all.Total.AveragePer10Minutes.ShouldBe(1.0);
        all.Positions[0].Rate.AveragePer10Minutes.ShouldBe(0.5);
        all.Positions[2].Rate.Rating.ShouldBe(AlarmLoadRating.Acceptable);
        siteC.Position.ShouldBe("site-c");
        siteC.Activations.ShouldBe(3);
        siteC.Positions.ShouldHaveSingleItem().Position.ShouldBe("site-c");
        siteC.BadActors.ShouldHaveSingleItem().SharePercent.ShouldBe(100);
        north.Activations.ShouldBe(3);
        north.BadActors.Select(b => b.SensorId).ShouldBe(["a.o2", "b.ch4", "b.o2"]);
        script.Calculator.KnownPositions.ShouldBe(["north", "site-c", "south"]);
        script.Calculator.PositionOf("site-b").ShouldBe("north");
        script.Calculator.PositionOf("site-x").ShouldBe("site-x");
    }

    [Fact]
    public void Compute_BadActors_AreOrderedByActivationsThenSourceWithTheirShares()
    {
        // Arrange: 20 activations: s1 ×8, s3 ×5, s2 ×5, s4 ×2 (raised in that order, 2 min apart); top 3 listed.
        var options = new AlarmKpiOptions { BadActors = 3 };
        var script = new KpiScript(options);
        var minute = 0;
        foreach (var (sensor, count) in new[] { ("s1.o2", 8), ("s3.o2", 5), ("s2.o2", 5), ("s4.o2", 2) })
        {
            for (var k = 0; k < count; k++)
            {
                script.Raise(AtMinutes(minute += 2), sensor: sensor, priority: sensor == "s2.o2" && k == 4 ? "High" : "Low");
            }
        }

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert: s2 before s3 on the tie (ordinal), priority of the latest activation.
        kpis.BadActors.Select(b => (b.SensorId, b.Activations, b.SharePercent, b.Priority)).ShouldBe(
        [
            ("s1.o2", 8, 40.0, "Low"),
            ("s2.o2", 5, 25.0, "High"),
            ("s3.o2", 5, 25.0, "Low"),
        ]);
        kpis.BadActorsSharePercent.ShouldBe(90.0);
        kpis.BadActors[0].ShouldBe(new BadActor
        {
            SensorId = "s1.o2",
            RuleId = "o2.low",
            Kind = "o2_kind",
            SiteId = SiteA,
            Position = SiteA,
            Priority = "Low",
            Activations = 8,
            SharePercent = 40.0,
        });
        kpis.Targets.BadActors.ShouldBe(3);
        kpis.Targets.BadActorsSharePercent.ShouldBe(5);
    }

    /// <summary>
    /// x re-raises at 0, 20, 40 and 100 s: three within one minute (chattering from the 40 s activation); y at 0, 30 and
    /// 60 s spans exactly one minute, which the window (t − 1 min, t] does not hold; z activates twice.
    /// </summary>
    [Fact]
    public void Compute_Chattering_ListsSourcesWithThreeActivationsWithinOneMinute()
    {
        // Arrange
        var script = new KpiScript();
        var x = script.Raise(At(0), sensor: "x.o2");
        var y = script.Raise(At(0), sensor: "y.o2");
        var z = script.Raise(At(0), sensor: "z.o2");
        foreach (var (id, times) in new[] { (x, new[] { 20, 40, 100 }), (y, new[] { 30, 60 }), (z, new[] { 15 }) })
        {
            foreach (var t in times)
            {
                script.Clear(id, At(t - 10));
                script.Reraise(id, At(t));
            }
        }

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(10));

        // Assert
        kpis.Chattering.ShouldHaveSingleItem().ShouldBe(new ChatteringSource
        {
            SensorId = "x.o2",
            RuleId = "o2.low",
            Kind = "o2_kind",
            SiteId = SiteA,
            Position = SiteA,
            Activations = 4,
            MaxInWindow = 3,
            FirstAt = At(40),
        });
        kpis.Activations.ShouldBe(9);
        kpis.Targets.ChatterActivations.ShouldBe(3);
        kpis.Targets.ChatterWindow.ShouldBe(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void Compute_ChatteringCountIsConfigurable()
    {
        // Arrange
        var script = new KpiScript(new AlarmKpiOptions { ChatterActivations = 2, ChatterWindow = TimeSpan.FromSeconds(30) });
        var id = script.Raise(At(0), sensor: "x.o2");
        script.Clear(id, At(10));
        script.Reraise(id, At(29));

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(10));

        // Assert
        var chattering = kpis.Chattering.ShouldHaveSingleItem();
        chattering.MaxInWindow.ShouldBe(2);
        chattering.FirstAt.ShouldBe(At(29));
    }

    /// <summary>
    /// f clears by itself after 3 s, 5 s (the limit, included) and 6 s; g is acknowledged before it clears after 2 s;
    /// h is shelved and cleared 1 s later.
    /// </summary>
    [Fact]
    public void Compute_Fleeting_CountsActivationsClearedWithinFiveSecondsWithoutOperatorAction()
    {
        // Arrange
        var script = new KpiScript();
        var f = script.Raise(At(0), sensor: "f.o2");
        script.Clear(f, At(3));
        script.Reraise(f, At(60));
        script.Clear(f, At(65));
        script.Reraise(f, At(120));
        script.Clear(f, At(126));
        var g = script.Raise(At(0), sensor: "g.o2");
        script.Acknowledge(g, At(1));
        script.Clear(g, At(2));
        var h = script.Raise(At(0), sensor: "h.o2");
        script.Shelve(h, At(1), TimeSpan.FromHours(1), "op.li", "testing");
        script.Clear(h, At(2));

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(10));

        // Assert
        kpis.Fleeting.ShouldHaveSingleItem().ShouldBe(new FleetingSource
        {
            SensorId = "f.o2",
            RuleId = "o2.low",
            Kind = "o2_kind",
            SiteId = SiteA,
            Position = SiteA,
            Fleeting = 2,
            Activations = 3,
        });
        kpis.Chattering.ShouldBeEmpty();
    }

    [Fact]
    public void Compute_FleetingOff_ListsNone()
    {
        // Arrange
        var script = new KpiScript(new AlarmKpiOptions { FleetingWithin = TimeSpan.Zero });
        var f = script.Raise(At(0), sensor: "f.o2");
        script.Clear(f, At(0));

        // Act / Assert
        script.Calculator.Compute(T0, AtMinutes(10)).Fleeting.ShouldBeEmpty();
    }

    /// <summary>
    /// a1 raised at T0 and never over; a2 raised at T0 and over at T0+1 h; a3 raised at T0+2 h; a4 raised at T0 and
    /// shelved at T0+1 h. At T0+24 h a1 and a4 are stale (24 h counts); at T0+30 min a2 still stood but was young.
    /// </summary>
    [Fact]
    public void Compute_Stale_ListsAlarmsNotOverRaisedAtLeast24HoursBeforeTheEnd()
    {
        // Arrange
        var script = new KpiScript();
        var a1 = script.Raise(T0, sensor: "a1.o2", priority: "High");
        var a2 = script.Raise(T0, sensor: "a2.o2");
        var a4 = script.Raise(T0, sensor: "a4.o2");
        script.Acknowledge(a2, AtMinutes(50));
        script.Clear(a2, AtMinutes(60));
        script.Shelve(a4, AtMinutes(60), TimeSpan.FromHours(8), "op.li", "known fault");
        script.Raise(AtMinutes(120), sensor: "a3.o2");
        script.AdvanceTo(T0 + TimeSpan.FromHours(24));

        // Act
        var atDay = script.Calculator.Compute();
        var early = script.Calculator.Compute(T0, AtMinutes(30));

        // Assert
        atDay.From.ShouldBe(T0);
        atDay.To.ShouldBe(T0 + TimeSpan.FromHours(24));
        atDay.Stale.ShouldBe(
        [
            new StaleAlarm
            {
                Id = a1,
                SensorId = "a1.o2",
                RuleId = "o2.low",
                Kind = "o2_kind",
                SiteId = SiteA,
                Position = SiteA,
                Priority = "High",
                State = "Unacknowledged",
                RaisedAt = T0,
                Age = TimeSpan.FromHours(24),
            },
            new StaleAlarm
            {
                Id = a4,
                SensorId = "a4.o2",
                RuleId = "o2.low",
                Kind = "o2_kind",
                SiteId = SiteA,
                Position = SiteA,
                Priority = "Low",
                State = "Shelved",
                RaisedAt = T0,
                Age = TimeSpan.FromHours(24),
            },
        ]);
        atDay.AtEnd.ShouldBe(new AlarmStateCounts { NotOver = 3, Shelved = 1, Suppressed = 0, OutOfService = 0, Stale = 2 });
        early.Stale.ShouldBeEmpty();
        early.AtEnd.ShouldBe(new AlarmStateCounts { NotOver = 3, Shelved = 0, Suppressed = 0, OutOfService = 0, Stale = 0 });
        atDay.Targets.StaleAfter.ShouldBe(TimeSpan.FromHours(24));
        atDay.Targets.StaleMax.ShouldBe(5);
    }

    [Fact]
    public void Compute_PriorityDistribution_CountsActivationsOnlyAgainstTheGuidance()
    {
        // Arrange: 1 critical, 2 high, 3 medium, 14 low annunciated; one raised into suppression and one into the shelf.
        var script = new KpiScript();
        var minute = 0;
        foreach (var (priority, count) in new[] { ("Critical", 1), ("High", 2), ("Medium", 3), ("Low", 14) })
        {
            for (var k = 0; k < count; k++)
            {
                script.Raise(AtMinutes(minute++), sensor: $"p-{minute}.o2", priority: priority);
            }
        }

        script.Raise(AtMinutes(30), sensor: "sup.o2", priority: "Critical", state: "Suppressed");
        script.Raise(AtMinutes(31), sensor: "shelf.o2", priority: "Critical", state: "Shelved");

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert
        kpis.Priorities.ShouldBe(
        [
            new PriorityShare { Priority = "Critical", Activations = 1, Percent = 5, TargetPercent = 1 },
            new PriorityShare { Priority = "High", Activations = 2, Percent = 10, TargetPercent = 5 },
            new PriorityShare { Priority = "Medium", Activations = 3, Percent = 15, TargetPercent = 15 },
            new PriorityShare { Priority = "Low", Activations = 14, Percent = 70, TargetPercent = 80 },
        ]);
        kpis.Activations.ShouldBe(20);
        kpis.SuppressedActivations.ShouldBe(2);
        kpis.AtEnd.Suppressed.ShouldBe(1);
        kpis.AtEnd.Shelved.ShouldBe(1);
    }

    [Fact]
    public void Compute_ShelvingAudit_ListsWhoWhenWhyAndHowLong()
    {
        // Arrange
        var script = new KpiScript();
        var a = script.Raise(T0, sensor: "a.o2", priority: "High");
        var b = script.Raise(T0, sensor: "b.o2");
        var c = script.Raise(T0, sensor: "c.o2");
        script.Acknowledge(a, AtMinutes(5));
        script.Shelve(a, AtMinutes(10), TimeSpan.FromHours(1), "op.li", "sensor being recalibrated");
        script.Transit(b, AtMinutes(20), "Suppressed", "Suppressed", reason: "comm loss");
        script.Transit(c, AtMinutes(30), "RemovedFromService", "OutOfService", "eng.wang", "sensor replaced");
        script.Transit(b, AtMinutes(50), "Unsuppressed", "Unacknowledged");
        script.Transit(a, AtMinutes(70), "ShelveExpired", "Acknowledged");
        script.AdvanceTo(AtMinutes(120));

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(120));
        var whileShelved = script.Calculator.Compute(T0, AtMinutes(30));

        // Assert
        kpis.ShelvingAudit.Select(e => (e.At, e.Transition, e.AlarmId, e.By, e.Reason, e.State, e.ShelfTime, e.Lasted)).ShouldBe(
        [
            (AtMinutes(10), "Shelved", a, "op.li", "sensor being recalibrated", "Shelved", TimeSpan.FromHours(1), null),
            (AtMinutes(20), "Suppressed", b, "system", "comm loss", "Suppressed", null, null),
            (AtMinutes(30), "RemovedFromService", c, "eng.wang", "sensor replaced", "OutOfService", null, null),
            (AtMinutes(50), "Unsuppressed", b, "system", null, "Unacknowledged", null, TimeSpan.FromMinutes(30)),
            (AtMinutes(70), "ShelveExpired", a, "system", null, "Acknowledged", null, TimeSpan.FromHours(1)),
        ]);
        kpis.ShelvingAudit[0].ShouldBe(new ShelvingAuditEntry
        {
            Seq = 5,
            At = AtMinutes(10),
            Transition = "Shelved",
            AlarmId = a,
            By = "op.li",
            Reason = "sensor being recalibrated",
            SensorId = "a.o2",
            RuleId = "o2.low",
            Kind = "o2_kind",
            SiteId = SiteA,
            Position = SiteA,
            Priority = "High",
            State = "Shelved",
            ShelvedUntil = AtMinutes(70),
            ShelfTime = TimeSpan.FromHours(1),
            Lasted = null,
        });
        kpis.ShelvingAuditCount.ShouldBe(5);
        kpis.AtEnd.ShouldBe(new AlarmStateCounts { NotOver = 3, Shelved = 0, Suppressed = 0, OutOfService = 1, Stale = 0 });
        whileShelved.ShelvingAudit.Count.ShouldBe(3);
        whileShelved.AtEnd.Shelved.ShouldBe(1);
        whileShelved.AtEnd.Suppressed.ShouldBe(1);
        whileShelved.AtEnd.OutOfService.ShouldBe(1);
    }

    [Fact]
    public void Compute_ShelvingAuditOverTheLimit_KeepsTheNewestAndCountsAll()
    {
        // Arrange
        var script = new KpiScript(new AlarmKpiOptions { MaxAuditEntries = 2 });
        var a = script.Raise(T0);
        for (var k = 0; k < 3; k++)
        {
            script.Shelve(a, AtMinutes((10 * k) + 1), TimeSpan.FromMinutes(5), "op.li", $"shelf {k}");
            script.Transit(a, AtMinutes((10 * k) + 2), "Unshelved", "Unacknowledged", "op.li");
        }

        // Act
        var kpis = script.Calculator.Compute(T0, AtMinutes(60));

        // Assert
        kpis.ShelvingAuditCount.ShouldBe(6);
        kpis.ShelvingAudit.Select(e => (e.Transition, e.At, e.Lasted)).ShouldBe(
        [
            ("Shelved", AtMinutes(21), (TimeSpan?)null),
            ("Unshelved", AtMinutes(22), TimeSpan.FromMinutes(1)),
        ]);
    }

    [Fact]
    public void OnAlarmChanged_MoreThanTheEventCap_KeepsTheNewestAndSaysTheWindowIsIncomplete()
    {
        // Arrange: 150 activations one a minute; at most 100 transitions kept.
        var script = new KpiScript(new AlarmKpiOptions { MaxEvents = 100 });
        for (var k = 0; k < 150; k++)
        {
            script.Raise(AtMinutes(k), sensor: $"dev-{k}.o2");
        }

        // Act
        var all = script.Calculator.Compute(T0, AtMinutes(200));
        var recent = script.Calculator.Compute(AtMinutes(50), AtMinutes(200));

        // Assert: the first 50 (T0 … T0+49 min) were dropped.
        script.Calculator.HeldTransitions.ShouldBe(100);
        all.Activations.ShouldBe(100);
        all.Complete.ShouldBeFalse();
        all.EvictedThrough.ShouldBe(AtMinutes(49));
        recent.Complete.ShouldBeTrue();
        recent.Activations.ShouldBe(100);
        script.Calculator.StandingAlarms.ShouldBe(150);
    }

    [Fact]
    public void OnAlarmChanged_TransitionsOlderThanTheRetention_AreDroppedButStandingAlarmsStay()
    {
        // Arrange: retention 1 h; ten activations in the first 10 minutes, one cleared and acknowledged.
        var script = new KpiScript(new AlarmKpiOptions { Retention = TimeSpan.FromHours(1) });
        var first = script.Raise(T0, sensor: "dev-0.o2");
        for (var k = 1; k < 10; k++)
        {
            script.Raise(AtMinutes(k), sensor: $"dev-{k}.o2");
        }

        script.Acknowledge(first, AtMinutes(10));
        script.Clear(first, AtMinutes(11));

        // Act: 1 h 30 min later, one more activation.
        script.Raise(AtMinutes(90), sensor: "dev-new.o2");

        // Assert: everything before T0+30 min is gone from the history; the nine standing alarms are still known.
        script.Calculator.HeldTransitions.ShouldBe(1);
        script.Calculator.StandingAlarms.ShouldBe(10);
        var kpis = script.Calculator.Compute(T0, AtMinutes(90));
        kpis.Activations.ShouldBe(1);
        kpis.Complete.ShouldBeFalse();
        kpis.EvictedThrough.ShouldBe(AtMinutes(11));
        kpis.AtEnd.NotOver.ShouldBe(10);
    }

    [Fact]
    public void OnAlarmChanged_ManyEvents_HoldsAtMostTheCapAcrossChunks()
    {
        // Arrange: several chunks' worth through a small cap, then compute (the snapshot spans partial chunks).
        var script = new KpiScript(new AlarmKpiOptions { MaxEvents = 1500 });
        for (var k = 0; k < 5000; k++)
        {
            script.Raise(At(k), sensor: $"dev-{k % 7}.o2", priority: k % 2 == 0 ? "Low" : "Medium");
        }

        // Act
        var kpis = script.Calculator.Compute(T0, At(5000));

        // Assert: the newest 1500, 3500 … 4999 s.
        script.Calculator.HeldTransitions.ShouldBe(1500);
        kpis.Activations.ShouldBe(1500);
        kpis.EvictedThrough.ShouldBe(At(3499));
        kpis.Priorities.Single(p => p.Priority == "Low").Activations.ShouldBe(750);
        kpis.BadActors.Sum(b => b.Activations).ShouldBe(1500);
    }

    [Fact]
    public void Restore_History_RebuildsTheSameFiguresAsLiveObservation()
    {
        // Arrange: a live script, and a calculator fed its transitions by replay.
        var live = new KpiScript();
        var a = live.Raise(T0, sensor: "a.o2");
        live.Clear(a, At(2));
        live.Reraise(a, At(20));
        live.Clear(a, At(30));
        live.Reraise(a, At(40));
        live.Shelve(a, AtMinutes(5), TimeSpan.FromMinutes(30), "op.li", "chattering");
        for (var k = 0; k < 12; k++)
        {
            live.Raise(AtMinutes(10) + TimeSpan.FromSeconds(k), sensor: $"f-{k}.o2");
        }

        live.AdvanceTo(T0 + TimeSpan.FromHours(30));
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0 + TimeSpan.FromHours(30));
        var restored = new AlarmKpiCalculator(new AlarmKpiOptions(), time);

        // Act
        var read = restored.Restore(live.Published);

        // Assert
        read.ShouldBe(live.Published.Count);
        var expected = live.Calculator.Compute(T0, T0 + TimeSpan.FromHours(30));
        var actual = restored.Compute(T0, T0 + TimeSpan.FromHours(30));
        actual.ShouldBeEquivalentTo(expected);
        actual.Activations.ShouldBe(15);
        actual.Stale.Count.ShouldBe(13);
        actual.Chattering.ShouldHaveSingleItem().SensorId.ShouldBe("a.o2");
        actual.Fleeting.ShouldHaveSingleItem().Fleeting.ShouldBe(1);

        // a's activations at 20 s and 40 s are still in the 10-minute window at 600 + j s for j < 20: the count passes
        // 10 at j = 8 (2 + 9), peaks at 14 and holds all 14.
        var flood = actual.Floods.ShouldHaveSingleItem();
        (flood.Start, flood.Peak, flood.Activations).ShouldBe((AtMinutes(10) + TimeSpan.FromSeconds(8), 14, 14));
    }

    [Fact]
    public void OnAlarmChanged_SeqStartingAgain_ForgetsTheAlarmsOfThePreviousRun()
    {
        // Arrange: run 1 leaves A000001 standing; run 2 (seq and ids from 1 again) raises a new A000001 26 h later.
        var script = new KpiScript();
        script.Raise(T0, sensor: "old.o2");
        script.Restart();
        script.Raise(T0 + TimeSpan.FromHours(26), sensor: "new.o2");
        script.AdvanceTo(T0 + TimeSpan.FromHours(27));

        // Act
        var now = script.Calculator.Compute();
        var duringRun1 = script.Calculator.Compute(T0, T0 + TimeSpan.FromHours(25));

        // Assert
        now.Stale.ShouldBeEmpty();
        now.AtEnd.NotOver.ShouldBe(1);
        script.Calculator.StandingAlarms.ShouldBe(1);
        duringRun1.Stale.ShouldHaveSingleItem().SensorId.ShouldBe("old.o2");
        duringRun1.Activations.ShouldBe(1);
    }

    [Fact]
    public void OnAlarmChanged_UnknownTransitionOrState_IsHeldWithoutCountingOrFaulting()
    {
        // Arrange
        var script = new KpiScript();
        var a = script.Raise(T0);

        // Act
        script.Publish(script.Published[^1] with { Transition = "Exploded", State = "Weird", ChangedAt = At(1) });
        script.Publish(script.Published[^1] with { Transition = "1", State = "0", ChangedAt = At(2) });

        // Assert
        script.Calculator.Faults.ShouldBe(0);
        script.Calculator.HeldTransitions.ShouldBe(3);
        var kpis = script.Calculator.Compute(T0, AtMinutes(1));
        kpis.Activations.ShouldBe(1);
        kpis.AtEnd.NotOver.ShouldBe(1);
        kpis.Stale.ShouldBeEmpty();
        a.ShouldBe("A000001");
    }

    [Fact]
    public void Compute_EmptyOrReversedWindow_Throws()
    {
        // Arrange
        var script = new KpiScript();

        // Act / Assert
        Should.Throw<ArgumentException>(() => script.Calculator.Compute(T0, T0)).ParamName.ShouldBe("from");
        Should.Throw<ArgumentException>(() => script.Calculator.Compute(AtMinutes(1), T0));
    }

    [Fact]
    public void Compute_NoTransitions_GivesZeroes()
    {
        // Arrange
        var script = new KpiScript();
        script.AdvanceTo(T0 + TimeSpan.FromHours(24));

        // Act
        var kpis = script.Calculator.Compute();

        // Assert
        kpis.Activations.ShouldBe(0);
        kpis.Complete.ShouldBeTrue();
        kpis.EvictedThrough.ShouldBeNull();
        kpis.Total.ShouldBe(new AlarmRateKpi
        {
            Activations = 0, AveragePer10Minutes = 0, PeakPer10Minutes = 0, AveragePerHour = 0, PeakPerHour = 0, Rating = AlarmLoadRating.Acceptable,
        });
        kpis.Positions.ShouldBeEmpty();
        kpis.Priorities.Select(p => p.Percent).ShouldBe([0.0, 0.0, 0.0, 0.0]);
        kpis.BadActorsSharePercent.ShouldBe(0);
        kpis.TimeInFloodPercent.ShouldBe(0);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingEachProblem()
    {
        // Arrange
        var options = new AlarmKpiOptions { FloodStartAbove = 4, FloodEndBelow = 8 };
        options.Positions["north"] = ["site-a"];
        options.Positions["south"] = ["site-a"];

        // Act
        var error = Should.Throw<ArgumentException>(() => new AlarmKpiCalculator(options, TimeProvider.System));

        // Assert
        error.Message.ShouldContain("FloodEndBelow (8)");
        error.Message.ShouldContain("site 'site-a' is mapped to both 'north' and 'south'");
        Should.Throw<ArgumentException>(() => new AlarmKpiCalculator(new AlarmKpiOptions { MaxEvents = 1 }, TimeProvider.System))
            .Message.ShouldContain("MaxEvents");
    }

    [Fact]
    public async Task Compute_WhileTransitionsArrive_SeesAConsistentPrefix()
    {
        // Arrange: one thread publishes 20,000 activations (one a second); others compute meanwhile.
        var script = new KpiScript(new AlarmKpiOptions { MaxEvents = 5000 });
        script.AdvanceTo(At(20_000));
        using var done = new CancellationTokenSource();
        var failures = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var computed = 0;
            while (!done.IsCancellationRequested || computed == 0)
            {
                var kpis = script.Calculator.Compute(T0, At(20_000));

                // Every snapshot holds a run of consecutive activations, none dropped in the middle.
                if (kpis.Activations > 5000 || kpis.BadActors.Sum(b => b.Activations) != kpis.Activations)
                {
                    Interlocked.Increment(ref failures);
                }

                computed++;
            }
        })).ToArray();

        // Act
        for (var k = 0; k < 20_000; k++)
        {
            script.Raise(At(k), sensor: $"dev-{k % 3}.o2");
        }

        await done.CancelAsync();
        await Task.WhenAll(readers);

        // Assert
        failures.ShouldBe(0);
        var final = script.Calculator.Compute(T0, At(20_000));
        final.Activations.ShouldBe(5000);
        final.EvictedThrough.ShouldBe(At(14_999));
        script.Calculator.Faults.ShouldBe(0);
    }
}
