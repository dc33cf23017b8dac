using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

using Lifeline.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WriteAheadLogCheckpointTests
{
    private readonly FakeTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task Checkpoint_InSecondSegment_RemovesFirstSegmentAndPersistsAcrossRestart()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        long checkpoint;
        string[] segments;
        await using (var log = WalTest.Open(options, _time))
        {
            await log.AppendManyAsync(1100, length: 150);
            segments = dir.Segments();
            segments.Length.ShouldBeGreaterThanOrEqualTo(3);
            var secondFirst = WalTest.RecordsOf(segments[0]).Count + 1;
            checkpoint = secondFirst + 10;

            // Act
            log.Checkpoint(checkpoint);
            log.Checkpoint(checkpoint - 100);

            // Assert
            log.CheckpointLsn.ShouldBe(checkpoint);
            File.Exists(segments[0]).ShouldBeFalse();
            File.Exists(segments[1]).ShouldBeTrue("it still holds unstored records");
            log.ReadAll(log.CheckpointLsn + 1).Select(r => r.Lsn).ShouldBe(Enumerable.Range((int)checkpoint + 1, 1100 - (int)checkpoint).Select(i => (long)i));
        }

        await using var reopened = WalTest.Open(options, _time);
        reopened.CheckpointLsn.ShouldBe(checkpoint);
        reopened.Recovery.CheckpointLsn.ShouldBe(checkpoint);
        reopened.Recovery.Clean.ShouldBeTrue();
        var read = reopened.ReadAll(reopened.CheckpointLsn + 1);
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range((int)checkpoint + 1, 1100 - (int)checkpoint).Select(i => (long)i));
        read.Select(r => r.Payload).ShouldBe(Enumerable.Range((int)checkpoint + 1, 1100 - (int)checkpoint).Select(i => WalTest.Payload(i, 150)));
    }

    [Fact]
    public async Task Checkpoint_EverythingStoredThenReopened_LsnsNeverReused()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using (var log = WalTest.Open(options, _time))
        {
            await log.AppendManyAsync(1000, length: 150);
            log.Checkpoint(1000);
            dir.Segments().ShouldHaveSingleItem("only the segment being written is kept");
        }

        var lastStored = dir.Segments()[0];

        // Act: the restart removes the last stored segment too; a second restart finds nothing but the checkpoint.
        await using (var reopened = WalTest.Open(options, _time))
        {
            reopened.Recovery.LastLsn.ShouldBe(1000);
            File.Exists(lastStored).ShouldBeFalse("a stored segment is removed at start-up");
            reopened.ReadAll(reopened.CheckpointLsn + 1).ShouldBeEmpty();
        }

        foreach (var segment in dir.Segments())
        {
            File.Delete(segment);
        }

        await using var again = WalTest.Open(options, _time);
        var lsn = await again.AppendDurableAsync(WalTest.Payload(1001));

        // Assert
        again.CheckpointLsn.ShouldBe(1000);
        lsn.ShouldBe(1001);
        var read = again.ReadAll(again.CheckpointLsn + 1).ShouldHaveSingleItem();
        read.Lsn.ShouldBe(1001);
        read.Payload.ShouldBe(WalTest.Payload(1001));
    }

    public static TheoryData<string> CheckpointDamage => ["flipped", "short", "empty"];

    [Theory]
    [MemberData(nameof(CheckpointDamage))]
    public async Task Open_DamagedCheckpointFile_TreatedAsZeroAndEverythingKeptIsReplayed(string damage)
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        long firstKept;
        await using (var log = WalTest.Open(options, _time))
        {
            await log.AppendManyAsync(1100, length: 150);
            var secondFirst = WalTest.RecordsOf(dir.Segments()[0]).Count + 1;
            firstKept = secondFirst;
            log.Checkpoint(secondFirst + 10);
        }

        switch (damage)
        {
            case "flipped":
                WalTest.FlipByte(dir.CheckpointPath, 2);
                break;
            case "short":
                WalTest.Truncate(dir.CheckpointPath, 8);
                break;
            default:
                WalTest.Truncate(dir.CheckpointPath, 0);
                break;
        }

        var logger = new CapturingLogger();

        // Act
        await using var reopened = WalTest.Open(options, _time, logger: logger);

        // Assert
        reopened.CheckpointLsn.ShouldBe(0);
        reopened.Recovery.CheckpointLsn.ShouldBe(0);
        logger.Entries.ShouldContain(e => e.EventId.Id == 406 && e.Level == LogLevel.Error);
        var read = reopened.ReadAll(reopened.CheckpointLsn + 1);
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range((int)firstKept, 1100 - (int)firstKept + 1).Select(i => (long)i));
        (await reopened.AppendDurableAsync(WalTest.Payload(1))).ShouldBe(1101);
    }

    [Fact]
    public async Task AppendAsync_BacklogReachesMaxBytes_WaitsUntilCheckpointFreesSpace()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time);
        var written = new List<byte[]>();
        ValueTask<(long Lsn, Task Durable)> pending;
        var blockedPayload = WalTest.Payload(1, 1024);
        while (true)
        {
            pending = log.AppendAsync(WalRecordKind.Telemetry, blockedPayload, WalTest.Bytes, CancellationToken.None);
            if (!pending.IsCompleted)
            {
                break;
            }

            await (await pending).Durable.WaitAsync(WalTest.Timeout);
            written.Add(blockedPayload);
            blockedPayload = WalTest.Payload(written.Count + 1, 1024);
            written.Count.ShouldBeLessThan(1000, "the log never filled");
        }

        var waiting = pending.AsTask();

        // Act
        var stats = log.GetStats();
        using var reader = log.OpenReader(1);
        var read = reader.ReadAll();
        var stillWaiting = !waiting.IsCompleted;
        var alarm = log.Append(WalRecordKind.AlarmEvent, WalTest.Payload(-2), WalTest.Bytes);
        await alarm.Durable.WaitAsync(WalTest.Timeout);
        var alarmRecord = reader.ReadAll().ShouldHaveSingleItem();
        log.Checkpoint(alarmRecord.Lsn);
        var (lsn, durable) = await waiting.WaitAsync(WalTest.Timeout);
        await durable.WaitAsync(WalTest.Timeout);

        // Assert
        stats.IsFull.ShouldBeTrue();
        stats.DiskBytes.ShouldBeGreaterThanOrEqualTo(options.MaxBytes);
        stillWaiting.ShouldBeTrue("an append waits while the log is full");
        read.Select(r => r.Payload).ShouldBe(written);
        alarm.Lsn.ShouldBe(written.Count + 1, "alarm events are never held back");
        lsn.ShouldBe(written.Count + 2);
        log.GetStats().IsFull.ShouldBeFalse();
        var last = reader.ReadAll().ShouldHaveSingleItem();
        last.Lsn.ShouldBe(lsn);
        last.Payload.ShouldBe(blockedPayload);
    }

    [Fact]
    public async Task AppendAsync_FullAndCancelled_ThrowsAndAppendsNothing()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time);
        while (!log.GetStats().IsFull)
        {
            await log.AppendDurableAsync(WalTest.Payload(1, 2048));
        }

        var last = log.LastLsn;
        using var cts = new CancellationTokenSource();

        // Act
        var pending = log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(2), WalTest.Bytes, cts.Token).AsTask();
        var wasWaiting = !pending.IsCompleted;
        await cts.CancelAsync();

        // Assert
        wasWaiting.ShouldBeTrue();
        await Should.ThrowAsync<OperationCanceledException>(pending.WaitAsync(WalTest.Timeout));
        log.LastLsn.ShouldBe(last);
    }

    [Fact]
    public async Task AppendAsync_WaitingForSpaceWhenLogDisposed_Fails()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time);
        while (!log.GetStats().IsFull)
        {
            await log.AppendDurableAsync(WalTest.Payload(1, 2048));
        }

        var pending = log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(2), WalTest.Bytes, CancellationToken.None).AsTask();

        // Act
        await log.DisposeAsync();

        // Assert
        await Should.ThrowAsync<ObjectDisposedException>(pending.WaitAsync(WalTest.Timeout));
    }

    [Fact]
    public async Task WaitForDurableAsync_LogDisposedWhileWaiting_Fails()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        await log.AppendDurableAsync(WalTest.Payload(1));
        var waiting = log.WaitForDurableAsync(log.DurableLsn, CancellationToken.None);
        var wasWaiting = !waiting.IsCompleted;

        // Act
        await log.DisposeAsync();

        // Assert
        wasWaiting.ShouldBeTrue();
        await Should.ThrowAsync<ObjectDisposedException>(waiting.WaitAsync(WalTest.Timeout));
    }

    [Fact]
    public async Task WaitForDurableAsync_RecordBecomesDurable_Completes()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        await log.AppendDurableAsync(WalTest.Payload(1));
        var waiting = log.WaitForDurableAsync(1, CancellationToken.None);
        var wasWaiting = !waiting.IsCompleted;

        // Act
        await log.AppendDurableAsync(WalTest.Payload(2));

        // Assert
        wasWaiting.ShouldBeTrue();
        await waiting.WaitAsync(WalTest.Timeout);
        log.WaitForDurableAsync(0, CancellationToken.None).IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task GetStats_WithConsumer_ReportsBacklog()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time);
        var appendedAt = new List<DateTimeOffset>();
        for (var i = 1; i <= 1100; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await log.AppendDurableAsync(WalTest.Payload(i, 150));
            appendedAt.Add(_time.GetUtcNow());
        }

        var segments = dir.Segments();
        var sizes = segments.Select(s => new FileInfo(s).Length).ToArray();
        var secondFirst = WalTest.RecordsOf(segments[0]).Count + 1;

        // Act
        var initial = log.GetStats();
        log.Checkpoint(secondFirst + 5);
        var afterCheckpoint = log.GetStats();
        log.Checkpoint(1100);
        var allStored = log.GetStats();

        // Assert
        initial.LastLsn.ShouldBe(1100);
        initial.DurableLsn.ShouldBe(1100);
        initial.CheckpointLsn.ShouldBe(0);
        initial.BacklogRecords.ShouldBe(1100);
        initial.DiskBytes.ShouldBe(sizes.Sum());
        initial.BacklogBytes.ShouldBe(initial.DiskBytes);
        initial.Segments.ShouldBe(segments.Length);
        initial.OldestSegmentStart.ShouldBe(appendedAt[0]);
        initial.MaxBytes.ShouldBe(options.MaxBytes);
        initial.IsFull.ShouldBeFalse();
        initial.WriteError.ShouldBeNull();
        initial.BacklogPercent.ShouldBe(100.0 * initial.BacklogBytes / options.MaxBytes, 1e-9);

        afterCheckpoint.CheckpointLsn.ShouldBe(secondFirst + 5);
        afterCheckpoint.BacklogRecords.ShouldBe(1100 - (secondFirst + 5));
        afterCheckpoint.Segments.ShouldBe(segments.Length - 1);
        afterCheckpoint.DiskBytes.ShouldBe(sizes[1..].Sum());
        afterCheckpoint.BacklogBytes.ShouldBe(afterCheckpoint.DiskBytes);
        afterCheckpoint.OldestSegmentStart.ShouldBe(appendedAt[secondFirst - 1]);

        allStored.BacklogRecords.ShouldBe(0);
        allStored.OldestSegmentStart.ShouldBeNull();
        allStored.Segments.ShouldBe(1);
    }

    [Fact]
    public async Task GetStats_WithoutConsumer_NoBacklogAndNeverFull()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time, hasConsumer: false);

        // Act
        await log.AppendManyAsync(200, length: 1000);
        var stats = log.GetStats();

        // Assert
        stats.LastLsn.ShouldBe(200);
        stats.BacklogRecords.ShouldBe(0);
        stats.BacklogBytes.ShouldBe(0);
        stats.OldestSegmentStart.ShouldBeNull();
        stats.IsFull.ShouldBeFalse();
        stats.DiskBytes.ShouldBeGreaterThan(0);
        stats.DiskBytes.ShouldBe(dir.Segments().Sum(s => new FileInfo(s).Length));
    }
}
