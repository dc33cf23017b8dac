using System.Buffers;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WriteAheadLogAppendTests
{
    private readonly FakeTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task AppendAsync_ManyRecordsOfBothKinds_ReadBackInOrderWithExactPayloadsAcrossSegments()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        var expected = new List<(long Lsn, WalRecordKind Kind, DateTimeOffset At, byte[] Payload)>();

        // Act
        for (var i = 1; i <= 600; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(7));
            var kind = i % 5 == 0 ? WalRecordKind.AlarmEvent : WalRecordKind.Telemetry;
            var payload = WalTest.Payload(i, 8 + (i * 37 % 1500));
            var (lsn, durable) = await log.AppendAsync(kind, payload, WalTest.Bytes, CancellationToken.None);
            await durable.WaitAsync(WalTest.Timeout);
            expected.Add((lsn, kind, _time.GetUtcNow(), payload));
        }

        // Assert
        expected.Select(e => e.Lsn).ShouldBe(Enumerable.Range(1, 600).Select(i => (long)i));
        log.LastLsn.ShouldBe(600);
        log.DurableLsn.ShouldBe(600);
        var read = log.ReadAll();
        read.Count.ShouldBe(expected.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            read[i].Lsn.ShouldBe(expected[i].Lsn);
            read[i].Kind.ShouldBe(expected[i].Kind);
            read[i].At.ShouldBe(expected[i].At);
            read[i].Payload.ShouldBe(expected[i].Payload, $"payload of LSN {expected[i].Lsn}");
        }

        var segments = dir.Segments();
        segments.Length.ShouldBeGreaterThanOrEqualTo(4);
        Path.GetFileName(segments[0]).ShouldBe(WalTest.SegmentName(1));
        foreach (var sealedSegment in segments[..^1])
        {
            // Rolled once the segment reached its size, so it overshoots by at most one record.
            new FileInfo(sealedSegment).Length.ShouldBeInRange(WalTest.SmallSegment, WalTest.SmallSegment + 1500 + WalTest.RecordOverhead);
        }
    }

    [Fact]
    public async Task AppendAsync_EmptyPayload_ReadBackAsEmpty()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);

        // Act
        var lsn = await log.AppendDurableAsync([], WalRecordKind.AlarmEvent);

        // Assert
        var record = log.ReadAll().ShouldHaveSingleItem();
        record.Lsn.ShouldBe(lsn);
        record.Kind.ShouldBe(WalRecordKind.AlarmEvent);
        record.Payload.ShouldBeEmpty();
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppenders_EveryRecordReadBackOnceInLsnOrderWithFewWrites()
    {
        // Arrange
        const int Appenders = 8;
        const int PerAppender = 2000;
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl { FlushToDisk = true };
        await using var log = WalTest.Open(WalTest.Options(dir), _time, createSegment: control.Create);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Act
        var appenders = Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            await start.Task;
            var appended = new List<(long Lsn, long Id, Task Durable)>(PerAppender);
            for (var i = 0; i < PerAppender; i++)
            {
                var id = (a * 1_000_000L) + i;
                var (lsn, durable) = await log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(id, 40 + (i % 60)), WalTest.Bytes, CancellationToken.None);
                appended.Add((lsn, id, durable));
            }

            await Task.WhenAll(appended.Select(x => x.Durable));
            return appended;
        })).ToList();
        start.SetResult();
        var results = await Task.WhenAll(appenders).WaitAsync(WalTest.Timeout);

        // Assert
        const int Total = Appenders * PerAppender;
        var byLsn = results.SelectMany(r => r).ToDictionary(x => x.Lsn, x => x.Id);
        byLsn.Count.ShouldBe(Total);
        byLsn.Keys.Order().ShouldBe(Enumerable.Range(1, Total).Select(i => (long)i));
        foreach (var appended in results)
        {
            // Each appender's own records keep their order.
            appended.Select(x => x.Lsn).ShouldBeInOrder(SortDirection.Ascending);
        }

        log.DurableLsn.ShouldBe(Total);
        var read = log.ReadAll();
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, Total).Select(i => (long)i));
        foreach (var record in read)
        {
            var id = byLsn[record.Lsn];
            record.Payload.ShouldBe(WalTest.Payload(id, 40 + (int)(id % 1_000_000 % 60)));
        }

        // Group commit: one write (and flush) carries many records.
        control.RecordWrites.ShouldBeLessThan(Total / 4, $"{control.RecordWrites} writes for {Total} records");
        results.SelectMany(r => r).Select(x => x.Durable).Distinct().Count().ShouldBeLessThan(Total / 4);
    }

    [Fact]
    public async Task Append_WhileWriterIsBusy_RecordsJoinOneGroupWrite()
    {
        // Arrange
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        await using var log = WalTest.Open(WalTest.Options(dir, segmentBytes: 1024 * 1024, maxBytes: 8L * 1024 * 1024), _time, createSegment: control.Create);
        control.HoldNextRecordWrite();
        var (firstLsn, firstDurable) = log.Append(WalRecordKind.Telemetry, WalTest.Payload(0), WalTest.Bytes);
        await control.Held.WaitAsync(WalTest.Timeout);

        // Act: 1,000 appends while the writer is busy with the first record.
        var appended = new List<(long Lsn, Task Durable)>();
        for (var i = 1; i <= 1000; i++)
        {
            appended.Add(log.Append(WalRecordKind.Telemetry, WalTest.Payload(i), WalTest.Bytes));
        }

        var stillPending = appended.All(a => !a.Durable.IsCompleted);
        control.Release();
        await Task.WhenAll(appended.Select(a => a.Durable).Append(firstDurable)).WaitAsync(WalTest.Timeout);

        // Assert
        firstLsn.ShouldBe(1);
        stillPending.ShouldBeTrue("records are durable only once written");
        appended.Select(a => a.Durable).Distinct().Count().ShouldBe(1, "one group, one durable task");
        control.RecordWrites.ShouldBe(2);
        log.ReadAll().Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, 1001).Select(i => (long)i));
    }

    [Fact]
    public async Task Append_GroupLargerThanSegment_SplitAcrossSegmentsOfBoundedSize()
    {
        // Arrange: hold the writer so that 3,000 records (about 7 segments) make one group.
        using var dir = new TempDirectory();
        using var control = new SegmentStreamControl();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time, createSegment: control.Create);
        control.HoldNextRecordWrite();
        var (_, firstDurable) = log.Append(WalRecordKind.Telemetry, WalTest.Payload(1, 150), WalTest.Bytes);
        await control.Held.WaitAsync(WalTest.Timeout);
        var durables = new List<Task>();
        for (var i = 2; i <= 3000; i++)
        {
            durables.Add(log.Append(WalRecordKind.Telemetry, WalTest.Payload(i, 150), WalTest.Bytes).Durable);
        }

        // Act
        control.Release();
        await Task.WhenAll(durables.Append(firstDurable)).WaitAsync(WalTest.Timeout);
        await log.DisposeAsync();

        // Assert
        durables.Distinct().Count().ShouldBe(1);
        var segments = dir.Segments();
        segments.Length.ShouldBeGreaterThanOrEqualTo(7);
        foreach (var segment in segments[..^1])
        {
            new FileInfo(segment).Length.ShouldBeInRange(options.SegmentBytes, options.SegmentBytes + WalTest.RecordOverhead + 150 - 1, Path.GetFileName(segment));
        }

        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(Enumerable.Range(1, 3000).Select(i => WalTest.Payload(i, 150)));
    }

    [Fact]
    public async Task Append_RecordOverMaxRecordBytes_ThrowsAndLogStaysUsable()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, maxRecordBytes: 1024);
        var appended = new List<(long Lsn, byte[] Payload)>();
        await using (var log = WalTest.Open(options, _time))
        {
            appended.AddRange(await log.AppendManyAsync(10));

            // Act
            var exactlyMax = WalTest.Payload(100, 1024 - 17);
            var tooLarge = WalTest.Payload(101, 1024 - 17 + 1);
            var thrown = Should.Throw<ArgumentException>(() => log.Append(WalRecordKind.Telemetry, tooLarge, WalTest.Bytes));
            await Should.ThrowAsync<ArgumentException>(async () => await log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(102, 64 * 1024), WalTest.Bytes, CancellationToken.None));
            appended.Add((await log.AppendDurableAsync(exactlyMax), exactlyMax));
            appended.AddRange(await log.AppendManyAsync(10, firstId: 200));

            // Assert
            thrown.Message.ShouldContain("MaxRecordBytes");
            log.LastLsn.ShouldBe(21);
            var read = log.ReadAll();
            read.Select(r => r.Lsn).ShouldBe(appended.Select(a => a.Lsn));
            read.Select(r => r.Payload).ShouldBe(appended.Select(a => a.Payload));
            appended.Select(a => a.Lsn).ShouldBe(Enumerable.Range(1, 21).Select(i => (long)i));
        }

        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Records.ShouldBe(21);
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(appended.Select(a => a.Payload));
    }

    [Fact]
    public async Task Append_PayloadWriterThrows_NothingAppendedAndLogStaysUsable()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        var first = await log.AppendDurableAsync(WalTest.Payload(1));
        WalPayloadWriter<int> failing = static (destination, _) =>
        {
            destination.Write(new byte[500]);
            throw new InvalidOperationException("encoder failed");
        };

        // Act
        Should.Throw<InvalidOperationException>(() => log.Append(WalRecordKind.Telemetry, 0, failing));
        var second = await log.AppendDurableAsync(WalTest.Payload(2));

        // Assert
        first.ShouldBe(1);
        second.ShouldBe(2);
        log.ReadAll().Select(r => r.Payload).ShouldBe([WalTest.Payload(1), WalTest.Payload(2)]);
    }

    [Fact]
    public async Task Append_AfterDispose_ThrowsObjectDisposed()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        await log.DisposeAsync();

        // Act & Assert
        Should.Throw<ObjectDisposedException>(() => log.Append(WalRecordKind.Telemetry, WalTest.Payload(1), WalTest.Bytes));
        await Should.ThrowAsync<ObjectDisposedException>(async () => await log.AppendAsync(WalRecordKind.Telemetry, WalTest.Payload(1), WalTest.Bytes, CancellationToken.None));
    }

    [Fact]
    public async Task DisposeAsync_PendingAppends_WrittenBeforeClose()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir);
        await using var log = WalTest.Open(options, _time);
        var durables = new List<Task>();
        for (var i = 1; i <= 500; i++)
        {
            durables.Add(log.Append(WalRecordKind.Telemetry, WalTest.Payload(i), WalTest.Bytes).Durable);
        }

        // Act
        await log.DisposeAsync();

        // Assert
        await Task.WhenAll(durables).WaitAsync(WalTest.Timeout);
        await using var reopened = WalTest.Open(options, _time);
        reopened.Recovery.Clean.ShouldBeTrue();
        reopened.Recovery.Records.ShouldBe(500);
        reopened.ReadAll().Select(r => r.Payload).ShouldBe(Enumerable.Range(1, 500).Select(i => WalTest.Payload(i)));
    }

    [Fact]
    public void Open_MaxBytesBelowTwiceSegmentBytes_Throws()
    {
        // Arrange
        using var dir = new TempDirectory();
        var options = WalTest.Options(dir, segmentBytes: 1024 * 1024, maxBytes: (2 * 1024 * 1024) - 1);

        // Act & Assert
        Should.Throw<ArgumentException>(() => WalTest.Open(options, _time)).Message.ShouldContain("MaxBytes");
    }
}
