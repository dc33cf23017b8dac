using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WriteAheadLogRetentionTests
{
    private readonly FakeTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task Roll_WithoutConsumerOverMaxBytes_RemovesOldestSegments()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time, hasConsumer: false);

        // Act
        for (var i = 1; i <= 1000; i++)
        {
            await log.AppendDurableAsync(WalTest.Payload(i, 1000));
            var stats = log.GetStats();
            stats.DiskBytes.ShouldBeLessThanOrEqualTo(options.MaxBytes + options.SegmentBytes + (2 * (WalTest.RecordOverhead + 1000)), $"after record {i}");
        }

        // Assert
        var files = dir.Segments();
        files.ShouldNotContain(f => Path.GetFileName(f) == WalTest.SegmentName(1));
        log.GetStats().Segments.ShouldBe(files.Length);
        log.GetStats().DiskBytes.ShouldBe(files.Sum(f => new FileInfo(f).Length));
        using var reader = log.OpenReader(1);
        var read = reader.ReadAll();
        read.Count.ShouldBeInRange(50, 200);
        var first = read[0].Lsn;
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range((int)first, 1000 - (int)first + 1).Select(i => (long)i));
        read.Select(r => r.Payload).ShouldBe(Enumerable.Range((int)first, 1000 - (int)first + 1).Select(i => WalTest.Payload(i, 1000)));
        reader.Skipped.ShouldBe(0);
    }

    [Fact]
    public async Task Roll_WithoutConsumerSegmentsOlderThanMaxAge_RemovedAtNextRoll()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        options.MaxAge = TimeSpan.FromHours(1);
        await using var log = WalTest.Open(options, _time, hasConsumer: false);
        var lsn = 0L;
        var seen = new HashSet<string>(dir.Segments().Select(f => Path.GetFileName(f)));

        async Task<string> AppendUntilRollAsync()
        {
            while (true)
            {
                lsn = await log.AppendDurableAsync(WalTest.Payload(lsn + 1, 1000));
                var added = dir.Segments().Select(f => Path.GetFileName(f)).Where(seen.Add).ToList();
                if (added.Count > 0)
                {
                    return added.ShouldHaveSingleItem();
                }
            }
        }

        var first = WalTest.SegmentName(1);
        var second = await AppendUntilRollAsync();
        _time.Advance(TimeSpan.FromMinutes(30));

        // Act
        var third = await AppendUntilRollAsync();
        var afterHalfHour = dir.Segments().Select(f => Path.GetFileName(f)).ToList();
        _time.Advance(TimeSpan.FromMinutes(45));
        var fourth = await AppendUntilRollAsync();
        var afterAnHourAndAQuarter = dir.Segments().Select(f => Path.GetFileName(f)).ToList();

        // Assert
        afterHalfHour.ShouldBe([first, second, third]);
        afterAnHourAndAQuarter.ShouldBe([second, third, fourth], "only the first segment's records are older than an hour");
        var read = log.ReadAll();
        read[0].Lsn.ShouldBe(long.Parse(second.AsSpan(0, 20)));
        read[^1].Lsn.ShouldBe(lsn);
    }

    [Fact]
    public async Task Roll_WithConsumer_UnstoredSegmentsNeverRemovedForAgeOrSize()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, maxBytes: 64L * 1024 * 1024);
        options.MaxAge = TimeSpan.FromHours(1);
        await using var log = WalTest.Open(options, _time, hasConsumer: true);
        await log.AppendManyAsync(300, length: 1000);

        // Act
        _time.Advance(TimeSpan.FromDays(3));
        await log.AppendManyAsync(300, length: 1000, firstId: 301);

        // Assert
        log.ReadAll().Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 600).Select(i => (long)i));
    }
}
