using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class WalReaderTests
{
    private readonly FakeTimeProvider _time = new(WalTest.T0);

    [Fact]
    public async Task TryRead_TailingWhileAppendingAndCheckpointing_ReadsEveryRecordOnceInOrder()
    {
        // Arrange
        const int Appenders = 4;
        const int PerAppender = 3000;
        const int Total = Appenders * PerAppender;
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        var payloads = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var reader = log.OpenReader(1);

        // Act
        var consumer = Task.Run(async () =>
        {
            var read = new List<(long Lsn, byte[] Payload)>(Total);
            while (read.Count < Total)
            {
                if (reader.TryRead(out var record))
                {
                    read.Add((record.Lsn, record.Payload.ToArray()));
                    if (read.Count % 250 == 0)
                    {
                        log.Checkpoint(record.Lsn);
                    }

                    continue;
                }

                await log.WaitForDurableAsync(reader.NextLsn - 1, CancellationToken.None);
            }

            return read;
        });
        var appenders = Enumerable.Range(0, Appenders).Select(a => Task.Run(async () =>
        {
            await start.Task;
            for (var i = 0; i < PerAppender; i++)
            {
                var payload = WalTest.Payload((a * 1_000_000L) + i, 50 + (i % 300));
                var (lsn, durable) = await log.AppendAsync(WalRecordKind.Telemetry, payload, WalTest.Bytes, CancellationToken.None);
                payloads[lsn] = payload;
                if (i % 16 == 0)
                {
                    await durable;
                }
            }
        })).ToList();
        start.SetResult();
        await Task.WhenAll(appenders).WaitAsync(WalTest.Timeout);
        var read = await consumer.WaitAsync(WalTest.Timeout);

        // Assert
        read.Select(r => r.Lsn).ShouldBe(Enumerable.Range(1, Total).Select(i => (long)i));
        foreach (var (lsn, payload) in read)
        {
            payload.ShouldBe(payloads[lsn], $"payload of LSN {lsn}");
        }

        reader.Skipped.ShouldBe(0);
        File.Exists(Path.Combine(dir.Path, WalTest.SegmentName(1))).ShouldBeFalse("checkpointed segments are removed");
    }

    [Fact]
    public async Task TryRead_NothingDurableYet_ReturnsFalseThenReadsWhatArrives()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        using var reader = log.OpenReader(1);

        // Act
        var before = reader.TryRead(out _);
        await log.AppendDurableAsync(WalTest.Payload(1));
        var first = reader.ReadAll();
        await log.AppendDurableAsync(WalTest.Payload(2));
        var second = reader.ReadAll();

        // Assert
        before.ShouldBeFalse();
        first.ShouldHaveSingleItem().Payload.ShouldBe(WalTest.Payload(1));
        second.ShouldHaveSingleItem().Lsn.ShouldBe(2);
        reader.NextLsn.ShouldBe(3);
    }

    [Fact]
    public async Task TryRead_LargeRecords_ReadBackExactly()
    {
        // Arrange: records larger than the reader's 1 MiB buffer and the segment size.
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir, maxRecordBytes: 4 * 1024 * 1024), _time);
        var sizes = new[] { 10, 3 * 1024 * 1024, 70_000, (4 * 1024 * 1024) - 17, 200 };

        // Act
        for (var i = 0; i < sizes.Length; i++)
        {
            await log.AppendDurableAsync(WalTest.Payload(i, sizes[i]));
        }

        // Assert
        log.ReadAll().Select(r => r.Payload).ShouldBe(sizes.Select((size, i) => WalTest.Payload(i, size)));
    }

    [Fact]
    public async Task OpenReader_StartBeforeOldestKeptRecord_StartsAtOldestKept()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), _time);
        await log.AppendManyAsync(1100, length: 150);
        var secondFirst = WalTest.RecordsOf(dir.Segments()[0]).Count + 1;
        log.Checkpoint(secondFirst);

        // Act
        var read = log.ReadAll(1);

        // Assert
        read[0].Lsn.ShouldBe(secondFirst);
        read[^1].Lsn.ShouldBe(1100);
        read.Count.ShouldBe(1100 - secondFirst + 1);
    }
}
