using Lifeline.Storage.Wal;
using Microsoft.Extensions.Logging;

using Lifeline.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WriteAheadLogWriteFailureTests
{
    private readonly SignalingTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task Append_DiskFullThenHealed_DurableAfterRetryAndNoTornRecord()
    {
        // Arrange
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var logger = new CapturingLogger();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time, createSegment: control.Create, logger: logger);
        var before = await log.AppendManyAsync(20, length: 300);
        control.Failing = true;
        var failedAt = _time.GetUtcNow();

        // Act
        var (lsn, durable) = log.Append(WalRecordKind.Telemetry, WalTest.Payload(21, 300), WalTest.Bytes);
        await _time.WaitForTimersAsync(1);
        var whileFailing = log.GetStats();
        var durableWhileFailing = durable.IsCompleted;

        // More records arrive while the disk is full; they wait in memory.
        var later = log.Append(WalRecordKind.Telemetry, WalTest.Payload(22, 300), WalTest.Bytes);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await _time.WaitForTimersAsync(2);
        var stillFailing = log.GetStats();
        var durableAfterFirstRetry = durable.IsCompleted;

        control.Failing = false;
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await Task.WhenAll(durable, later.Durable).WaitAsync(WalTest.Timeout);
        var healed = log.GetStats();

        // Assert
        lsn.ShouldBe(21);
        later.Lsn.ShouldBe(22);
        durableWhileFailing.ShouldBeFalse();
        durableAfterFirstRetry.ShouldBeFalse();
        whileFailing.WriteError.ShouldNotBeNull().ShouldContain("No space left on device");
        whileFailing.WriteErrorSince.ShouldBe(failedAt);
        whileFailing.DurableLsn.ShouldBe(20);
        stillFailing.WriteError.ShouldNotBeNull();
        stillFailing.WriteErrorSince.ShouldBe(failedAt, "the error is dated from its start");
        control.Failures.ShouldBeGreaterThanOrEqualTo(2);
        healed.WriteError.ShouldBeNull();
        healed.WriteErrorSince.ShouldBeNull();
        healed.DurableLsn.ShouldBe(22);
        logger.Entries.Count(e => e.EventId.Id == 402 && e.Level == LogLevel.Critical).ShouldBe(1);
        logger.Entries.ShouldContain(e => e.EventId.Id == 403);

        var expected = before.Select(b => b.Payload).Append(WalTest.Payload(21, 300)).Append(WalTest.Payload(22, 300)).ToList();
        log.ReadAll().Select(r => r.Payload).ShouldBe(expected);
        await log.DisposeAsync();

        var segment = dir.Segments().ShouldHaveSingleItem();
        new FileInfo(segment).Length.ShouldBe(WalTest.SegmentHeaderSize + (22 * (WalTest.RecordOverhead + 300)));
        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Records.ShouldBe(22);
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(expected);
    }

    [Fact]
    public async Task Append_DiskStaysFull_RetryDelayDoublesUpToFiveSeconds()
    {
        // Arrange
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        await using var log = WalTest.Open(WalTest.Options(dir), _time, createSegment: control.Create);
        var delays = new List<TimeSpan>();
        control.Failing = true;
        var (_, durable) = log.Append(WalRecordKind.Telemetry, WalTest.Payload(1), WalTest.Bytes);

        // Act
        for (var attempt = 1; attempt <= 9; attempt++)
        {
            await _time.WaitForTimersAsync(attempt);
            var delay = _time.DueTimes[attempt - 1];
            delays.Add(delay);
            if (attempt == 9)
            {
                control.Failing = false;
            }

            durable.IsCompleted.ShouldBeFalse();
            _time.Advance(delay);
        }

        await durable.WaitAsync(WalTest.Timeout);

        // Assert
        delays.Select(d => d.TotalMilliseconds).ShouldBe([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
        log.ReadAll().ShouldHaveSingleItem().Payload.ShouldBe(WalTest.Payload(1));
    }

    public static TheoryData<bool> RollFailures => [true, false];

    [Theory]
    [MemberData(nameof(RollFailures))]
    public async Task Append_NextSegmentCannotBeStarted_EarlierSegmentKeptAndRecordsWrittenLater(bool failCreate)
    {
        // Arrange: the first segment is full, so the next write starts a new one, which fails.
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time, createSegment: control.Create);
        var written = new List<byte[]>();
        while ((WalTest.SegmentHeaderSize + (written.Count * (WalTest.RecordOverhead + 1024))) < WalTest.SmallSegment)
        {
            written.Add(WalTest.Payload(written.Count + 1, 1024));
            await log.AppendDurableAsync(written[^1]);
        }

        dir.Segments().ShouldHaveSingleItem();
        var firstSegment = dir.Segments()[0];
        var firstLength = new FileInfo(firstSegment).Length;
        if (failCreate)
        {
            control.FailCreate = true;
        }
        else
        {
            control.Failing = true;
        }

        // Act
        written.Add(WalTest.Payload(written.Count + 1, 1024));
        var (_, durable) = log.Append(WalRecordKind.Telemetry, written[^1], WalTest.Bytes);
        await _time.WaitForTimersAsync(1);
        var error = log.GetStats().WriteError;
        var lengthWhileFailing = new FileInfo(firstSegment).Length;
        control.FailCreate = false;
        control.Failing = false;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await durable.WaitAsync(WalTest.Timeout);

        // Assert
        error.ShouldNotBeNull().ShouldContain("No space left on device");
        lengthWhileFailing.ShouldBe(firstLength, "a failed roll must not touch the sealed segment");
        using (var reader = log.OpenReader(1))
        {
            reader.ReadAll().Select(r => r.Payload).ShouldBe(written);
            reader.Skipped.ShouldBe(0);
        }

        await log.DisposeAsync();
        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Records.ShouldBe(written.Count);
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(written);
    }

    [Fact]
    public async Task Append_FirstWriteToNewSegmentFailsAndCannotBeCut_TailingReaderFollowsRestartedSegment()
    {
        // Arrange: a reader has read everything of a full first segment.
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time, createSegment: control.Create);
        var written = new List<byte[]>();
        while ((WalTest.SegmentHeaderSize + (written.Count * (WalTest.RecordOverhead + 1024))) < WalTest.SmallSegment)
        {
            written.Add(WalTest.Payload(written.Count + 1, 1024));
            await log.AppendDurableAsync(written[^1]);
        }

        using var reader = log.OpenReader(1);
        reader.ReadAll().Count.ShouldBe(written.Count);

        // The next record starts a segment; its write fails and the partial write cannot be cut, so the segment is
        // given up and started again under the same name.
        control.Failing = true;
        control.FailRecordsOnly = true;
        control.FailSetLength = true;
        written.Add(WalTest.Payload(written.Count + 1, 1024));
        var (lsn, durable) = log.Append(WalRecordKind.Telemetry, written[^1], WalTest.Bytes);
        await _time.WaitForTimersAsync(1);

        // Act
        var readWhileFailing = reader.ReadAll();
        control.Failing = false;
        control.FailSetLength = false;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await durable.WaitAsync(WalTest.Timeout);
        var readAfterHealing = reader.ReadAll();
        var segmentsStarted = control.SegmentsCreated;
        var more = await log.AppendManyAsync(200, length: 1024, firstId: 1000);
        var readLater = reader.ReadAll();

        // Assert
        segmentsStarted.ShouldBe(3, "the first, the one given up, and its restart");
        readWhileFailing.ShouldBeEmpty();
        readAfterHealing.ShouldHaveSingleItem().Lsn.ShouldBe(lsn);
        readAfterHealing[0].Payload.ShouldBe(written[^1]);
        readLater.Select(r => r.Lsn).ShouldBe(more.Select(m => m.Lsn));
        reader.Skipped.ShouldBe(0);
        await log.DisposeAsync();
        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(written.Concat(more.Select(m => m.Payload)));
    }

    [Fact]
    public async Task DisposeAsync_DiskStillFull_PendingAppendsFailAndNothingTornIsLeft()
    {
        // Arrange
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var options = WalTest.Options(dir);
        var log = WalTest.Open(options, _time, createSegment: control.Create);
        await log.AppendManyAsync(10);
        control.Failing = true;
        var (_, durable) = log.Append(WalRecordKind.Telemetry, WalTest.Payload(11), WalTest.Bytes);
        await _time.WaitForTimersAsync(1);

        // Act: the writer gets a bounded chance (10 s), then the pending append fails.
        await log.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        var thrown = await Should.ThrowAsync<IOException>(durable.WaitAsync(WalTest.Timeout));
        thrown.Message.ShouldContain("No space left on device");
        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.LastLsn.ShouldBe(10);
    }

    [Fact]
    public async Task AppendAsync_BacklogBuiltUpWhileDiskFull_CheckpointAfterHealingUnblocksAppenders()
    {
        // Arrange
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var options = WalTest.Options(dir, segmentBytes: WalTest.SmallSegment, maxBytes: 2 * WalTest.SmallSegment);
        await using var log = WalTest.Open(options, _time, createSegment: control.Create);
        await log.AppendManyAsync(5, length: 1024);
        control.Failing = true;
        var durables = new List<Task>();
        ValueTask<(long Lsn, Task Durable)> pending;
        while (true)
        {
            pending = log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(durables.Count + 6, 1024), WalTest.Bytes, CancellationToken.None);
            if (!pending.IsCompleted)
            {
                break;
            }

            durables.Add((await pending).Durable);
            durables.Count.ShouldBeLessThan(1000, "the log never filled");
        }

        var waiting = pending.AsTask();
        await _time.WaitForTimersAsync(1);

        // Act
        control.Failing = false;
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await Task.WhenAll(durables).WaitAsync(WalTest.Timeout);
        var read = log.ReadAll();
        log.Checkpoint(read[^1].Lsn);
        var (lsn, durable) = await waiting.WaitAsync(WalTest.Timeout);
        await durable.WaitAsync(WalTest.Timeout);

        // Assert
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, durables.Count + 5).Select(i => (long)i));
        lsn.ShouldBe(durables.Count + 6);
        log.ReadAll(lsn).ShouldHaveSingleItem().Payload.ShouldBe(WalTest.Payload(durables.Count + 6, 1024));
    }
}
