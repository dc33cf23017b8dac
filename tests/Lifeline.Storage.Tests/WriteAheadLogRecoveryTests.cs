using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WriteAheadLogRecoveryTests
{
    private readonly FakeTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task Open_AfterCleanShutdown_RecordsKeptAndLsnsContinue()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        List<(long Lsn, byte[] Payload)> before;
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            before = await log.AppendManyAsync(1500, length: 200);
        }

        var segmentFiles = dir.Segments().Length;

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);
        var next = await reopened.AppendDurableAsync(WalTest.Payload(5000));

        // Assert
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Segments.ShouldBe(segmentFiles);
        reopened.Recovery.Records.ShouldBe(1500);
        reopened.Recovery.LastLsn.ShouldBe(1500);
        reopened.Recovery.CheckpointLsn.ShouldBe(0);
        next.ShouldBe(1501);
        var read = reopened.ReadAll();
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 1501).Select(i => (long)i));
        read.Select(r => r.Payload).ShouldBe(before.Select(b => b.Payload).Append(WalTest.Payload(5000)));
    }

    [Fact]
    public async Task Open_ReopenedWithoutAppends_LsnsNotReused()
    {
        // Arrange: the last run left only an empty segment (its records were removed), and no checkpoint.
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            await log.AppendManyAsync(10);
        }

        await using (WalTest.Open(options, _time, hasConsumer: false))
        {
        }

        File.Delete(Path.Combine(dir.Path, WalTest.SegmentName(1)));

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);
        var lsn = await reopened.AppendDurableAsync(WalTest.Payload(1));

        // Assert
        lsn.ShouldBe(11);
    }

    [Fact]
    public async Task OpenReader_FromCheckpointLsn_StartsThere()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            await log.AppendManyAsync(1200, length: 300);
        }

        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);

        // Act
        var fromMiddle = reopened.ReadAll(fromLsn: 777);
        var fromZero = reopened.ReadAll(fromLsn: 0);
        var pastEnd = reopened.ReadAll(fromLsn: 1201);

        // Assert
        fromMiddle.Select(r => r.Lsn).ShouldBe(Enumerable.Range(777, 1200 - 776).Select(i => (long)i));
        fromMiddle.Select(r => r.Payload).ShouldBe(Enumerable.Range(777, 1200 - 776).Select(i => WalTest.Payload(i, 300)));
        fromZero.Count.ShouldBe(1200);
        pastEnd.ShouldBeEmpty();
    }

    public static TheoryData<string> TornTails => ["cut", "garbage", "zeros", "flipped"];

    [Theory]
    [MemberData(nameof(TornTails))]
    public async Task Open_DamagedTailOfNewestSegment_TruncatedReportedAndAppendsContinue(string damage)
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        List<(long Lsn, byte[] Payload)> written;
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            written = await log.AppendManyAsync(1000, length: 150);
        }

        var newest = dir.Segments()[^1];
        var records = WalTest.RecordsOf(newest);
        var last = records[^1];
        var originalLength = new FileInfo(newest).Length;
        long expectedOffset;
        long expectedBytes;
        int expectedRecords;
        string expectedReason;
        switch (damage)
        {
            case "cut":
                WalTest.Truncate(newest, last.Offset + (last.Length / 2));
                (expectedOffset, expectedBytes, expectedRecords, expectedReason) = (last.Offset, last.Length / 2, 999, "torn");
                break;
            case "garbage":
                WalTest.AppendBytes(newest, [0xFF, 0xFF, 0x00, 0x7F, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
                (expectedOffset, expectedBytes, expectedRecords, expectedReason) = (originalLength, 13, 1000, "length");
                break;
            case "zeros":
                WalTest.AppendBytes(newest, new byte[4096]);
                (expectedOffset, expectedBytes, expectedRecords, expectedReason) = (originalLength, 4096, 1000, "length");
                break;
            default:
                WalTest.FlipByte(newest, last.Offset + 8 + 17 + 60);
                (expectedOffset, expectedBytes, expectedRecords, expectedReason) = (last.Offset, last.Length, 999, "checksum");
                break;
        }

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);
        var next = await reopened.AppendDurableAsync(WalTest.Payload(7777, 150));

        // Assert
        var report = reopened.Recovery;
        report.Clean.ShouldBeFalse();
        var d = report.Damage.ShouldHaveSingleItem();
        d.Truncated.ShouldBeTrue();
        d.Segment.ShouldBe(newest);
        d.Offset.ShouldBe(expectedOffset);
        d.Bytes.ShouldBe(expectedBytes);
        d.Reason.ShouldContain(expectedReason);
        report.Records.ShouldBe(expectedRecords);
        report.LastLsn.ShouldBe(expectedRecords);
        new FileInfo(newest).Length.ShouldBe(expectedOffset);
        next.ShouldBe(expectedRecords + 1);
        var read = reopened.ReadAll();
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, expectedRecords + 1).Select(i => (long)i));
        read.Select(r => r.Payload).ShouldBe(written.Take(expectedRecords).Select(w => w.Payload).Append(WalTest.Payload(7777, 150)));
    }

    [Fact]
    public async Task Open_TruncatedTailReopenedAgain_Clean()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            await log.AppendManyAsync(100);
        }

        var newest = dir.Segments()[^1];
        WalTest.Truncate(newest, new FileInfo(newest).Length - 3);
        await using (var damaged = WalTest.Open(options, _time, hasConsumer: false))
        {
            damaged.Recovery.Damage.Count.ShouldBe(1);
            await damaged.AppendManyAsync(5, firstId: 500);
        }

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);

        // Assert
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Records.ShouldBe(104);
        reopened.ReadAll().Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 104).Select(i => (long)i));
    }

    [Fact]
    public async Task Open_NewestSegmentWithTornHeader_RemovedAndLsnsContinue()
    {
        // Arrange: a crash while a new segment was started left a few bytes of its header.
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            await log.AppendManyAsync(50);
        }

        await using (WalTest.Open(options, _time, hasConsumer: false))
        {
        }

        var torn = Path.Combine(dir.Path, WalTest.SegmentName(51));
        File.Exists(torn).ShouldBeTrue("opening the log starts its next segment");
        WalTest.Truncate(torn, 5);

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);
        var lsn = await reopened.AppendDurableAsync(WalTest.Payload(51));

        // Assert
        var damage = reopened.Recovery.Damage.ShouldHaveSingleItem();
        damage.Truncated.ShouldBeTrue();
        damage.Segment.ShouldBe(torn);
        damage.Offset.ShouldBe(0);
        reopened.Recovery.Records.ShouldBe(50);
        lsn.ShouldBe(51);
        reopened.ReadAll().Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 51).Select(i => (long)i));
    }

    [Fact]
    public async Task Open_DamageInOlderSegment_ReportedNotTruncatedAndReaderSkipsRestOfSegment()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        List<(long Lsn, byte[] Payload)> written;
        await using (var log = WalTest.Open(options, _time, hasConsumer: false))
        {
            written = await log.AppendManyAsync(1100, length: 150);
        }

        var segments = dir.Segments();
        segments.Length.ShouldBeGreaterThanOrEqualTo(3);
        var first = segments[0];
        var records = WalTest.RecordsOf(first);
        var damaged = records.Count / 2;
        var firstLength = new FileInfo(first).Length;
        WalTest.FlipByte(first, records[damaged].Offset + 8 + 17 + 20);

        // Act
        await using var reopened = WalTest.Open(options, _time, hasConsumer: false);
        using var reader = reopened.OpenReader(1);
        var read = reader.ReadAll();

        // Assert
        var d = reopened.Recovery.Damage.ShouldHaveSingleItem();
        d.Truncated.ShouldBeFalse();
        d.Segment.ShouldBe(first);
        d.Offset.ShouldBe(records[damaged].Offset);
        d.Bytes.ShouldBe(firstLength - records[damaged].Offset);
        d.Reason.ShouldContain("checksum");
        d.ToString().ShouldContain("skipped");
        new FileInfo(first).Length.ShouldBe(firstLength);
        reopened.Recovery.Records.ShouldBe(1100 - (records.Count - damaged));

        // LSNs 1..damaged, then everything from the second segment on; each payload the one written under its LSN.
        var expectedLsns = Enumerable.Range(1, damaged).Concat(Enumerable.Range(records.Count + 1, 1100 - records.Count)).Select(i => (long)i);
        read.Select(r => r.Lsn).ShouldBe(expectedLsns);
        foreach (var record in read)
        {
            record.Payload.ShouldBe(written[(int)record.Lsn - 1].Payload);
        }

        reader.Skipped.ShouldBe(1);
    }

    [Fact]
    public async Task TryRead_SealedSegmentCorruptedWhileOpen_SkipsRestOfSegmentAndCountsIt()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time, hasConsumer: false);
        var written = await log.AppendManyAsync(1100, length: 150);
        var first = dir.Segments()[0];
        var records = WalTest.RecordsOf(first);
        var damaged = records.Count / 3;
        WalTest.FlipByte(first, records[damaged].Offset + 8 + 17 + 5);

        // Act
        using var reader = log.OpenReader(1);
        var read = reader.ReadAll();

        // Assert
        reader.Skipped.ShouldBe(1);
        var expectedLsns = Enumerable.Range(1, damaged).Concat(Enumerable.Range(records.Count + 1, 1100 - records.Count)).Select(i => (long)i);
        read.Select(r => r.Lsn).ShouldBe(expectedLsns);
        foreach (var record in read)
        {
            record.Payload.ShouldBe(written[(int)record.Lsn - 1].Payload);
        }
    }

    [Fact]
    public async Task TryRead_SealedSegmentFileDeletedFromOutside_ContinuesWithNextSegment()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time, hasConsumer: false);
        await log.AppendManyAsync(1100, length: 150);
        var segments = dir.Segments();
        var secondFirst = WalTest.RecordsOf(segments[0]).Count + 1;
        File.Delete(segments[0]);

        // Act
        using var reader = log.OpenReader(1);
        var read = reader.ReadAll();

        // Assert
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(secondFirst, 1100 - secondFirst + 1).Select(i => (long)i));
    }
}
