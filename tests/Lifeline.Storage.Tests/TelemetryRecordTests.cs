using System.Buffers;
using System.Buffers.Binary;
using Lifeline.Domain.Telemetry;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class TelemetryRecordTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    private static byte[] Encode(TelemetryBatch batch)
    {
        var buffer = new ArrayBufferWriter<byte>();
        TelemetryRecord.Write(buffer, batch);
        return buffer.WrittenSpan.ToArray();
    }

    private static void ShouldRoundTrip(TelemetryBatch batch)
    {
        var read = TelemetryRecord.Read(Encode(batch));
        read.DeviceId.ShouldBe(batch.DeviceId);
        read.ReceivedAt.UtcTicks.ShouldBe(batch.ReceivedAt.UtcTicks);
        read.Readings.Count.ShouldBe(batch.Readings.Count);
        for (var i = 0; i < batch.Readings.Count; i++)
        {
            var expected = batch.Readings[i];
            var actual = read.Readings[i];
            actual.DeviceId.ShouldBe(batch.DeviceId);
            actual.Channel.ShouldBe(expected.Channel);
            BitConverter.DoubleToInt64Bits(actual.Value).ShouldBe(BitConverter.DoubleToInt64Bits(expected.Value), $"value of reading {i}");
            actual.Timestamp.UtcTicks.ShouldBe(expected.Timestamp.UtcTicks);
            actual.Timestamp.ShouldBe(expected.Timestamp);
            actual.Seq.ShouldBe(expected.Seq);
        }
    }

    private static TelemetryBatch Batch(string device, params (string Channel, double Value, long Ticks, long? Seq)[] readings) =>
        new(device, [.. readings.Select(r => new Reading(device, r.Channel, r.Value, At.AddTicks(r.Ticks), r.Seq))], At);

    [Fact]
    public void Read_WrittenBatchWithAndWithoutSeq_SameBatch() =>
        ShouldRoundTrip(Batch("gas-z001", ("o2", 20.9, 0, 17), ("ch4", 0.35, 1, null), ("temp", -3.25, -7, 0), ("co", 12, 999, long.MaxValue), ("h2s", 1, 3, -1)));

    [Fact]
    public void Read_SpecialDoubles_BitExact() =>
        ShouldRoundTrip(Batch(
            "d",
            ("a", double.NaN, 0, null),
            ("b", double.PositiveInfinity, 0, null),
            ("c", double.NegativeInfinity, 0, null),
            ("d", -0.0, 0, null),
            ("e", double.Epsilon, 0, null),
            ("f", double.MaxValue, 0, null),
            ("g", 0.1 + 0.2, 0, 1)));

    [Fact]
    public void Read_ManyReadingsUnicodeIdsAndExactTicks_SameBatch()
    {
        // Arrange
        var device = "泵站-3/ö₂ 🚇 Ünïcødé";
        var readings = Enumerable.Range(0, 2000)
            .Select(i => new Reading(device, $"канал-{i}-氧", (i * 0.731) - 400, At.AddTicks((i * 7_919L) + 1), i % 3 == 0 ? null : i * 1_000_003L))
            .ToList();
        var batch = new TelemetryBatch(device, readings, new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.FromHours(2)).AddTicks(3));

        // Act & Assert
        ShouldRoundTrip(batch);
        TelemetryRecord.Read(Encode(batch)).ReceivedAt.ShouldBe(batch.ReceivedAt);
    }

    [Fact]
    public void Read_NoReadingsAndEmptyIds_SameBatch()
    {
        ShouldRoundTrip(new TelemetryBatch("dev", [], At));
        ShouldRoundTrip(Batch(string.Empty, (string.Empty, 1.5, 0, null)));
    }

    [Fact]
    public void Read_ExtremeTimes_SameBatch()
    {
        // Arrange
        var batch = new TelemetryBatch(
            "d",
            [new Reading("d", "min", 1, DateTimeOffset.MinValue, 1), new Reading("d", "max", 2, DateTimeOffset.MaxValue, null)],
            DateTimeOffset.MaxValue);

        // Act & Assert
        ShouldRoundTrip(batch);
    }

    [Fact]
    public void Read_EveryTruncation_ThrowsInvalidData()
    {
        // Arrange
        var bytes = Encode(Batch("gas-z001", ("o2", 20.9, 0, 17), ("ch4", 0.35, 1, null), ("temp", 21.5, 2, 3)));

        // Act & Assert
        for (var length = 0; length < bytes.Length; length++)
        {
            Should.Throw<InvalidDataException>(() => TelemetryRecord.Read(bytes.AsSpan(0, length)), $"cut to {length} of {bytes.Length} bytes");
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(int.MaxValue)]
    [InlineData(1000)]
    public void Read_ImpossibleReadingCount_ThrowsInvalidData(int count)
    {
        // Arrange
        var bytes = Encode(Batch("dev", ("o2", 20.9, 0, 17)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2 + 3 + 8), count);

        // Act & Assert
        Should.Throw<InvalidDataException>(() => TelemetryRecord.Read(bytes));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void Read_ReceivedAtTicksOutOfRange_ThrowsInvalidData(long ticks)
    {
        // Arrange
        var bytes = Encode(Batch("dev", ("o2", 20.9, 0, 17)));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2 + 3), ticks);

        // Act & Assert
        Should.Throw<InvalidDataException>(() => TelemetryRecord.Read(bytes));
    }

    [Fact]
    public void Read_ReadingTimestampTicksOutOfRange_ThrowsInvalidData()
    {
        // Arrange: device "dev", received-at, count, then channel "o2" and the value.
        var bytes = Encode(Batch("dev", ("o2", 20.9, 0, 17)));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2 + 3 + 8 + 4 + 2 + 2 + 8), -5);

        // Act & Assert
        Should.Throw<InvalidDataException>(() => TelemetryRecord.Read(bytes));
    }

    [Fact]
    public void Read_UnknownSeqFlag_ThrowsInvalidData()
    {
        // Arrange
        var bytes = Encode(Batch("dev", ("o2", 20.9, 0, null)));
        bytes[^1].ShouldBe((byte)0);
        bytes[^1] = 7;

        // Act & Assert
        Should.Throw<InvalidDataException>(() => TelemetryRecord.Read(bytes));
    }

    [Fact]
    public void Read_TrailingBytes_ThrowsInvalidData()
    {
        // Arrange
        var bytes = Encode(Batch("dev", ("o2", 20.9, 0, 5)));

        // Act & Assert
        Should.Throw<InvalidDataException>(() => TelemetryRecord.Read([.. bytes, 0x42]));
    }

    [Fact]
    public void Write_IdentifierTooLong_ThrowsArgumentException()
    {
        // Arrange
        var batch = Batch(new string('x', 5000), ("o2", 1, 0, null));

        // Act & Assert
        Should.Throw<ArgumentException>(() => Encode(batch));
    }

    [Fact]
    public void Write_LongestAllowedIdentifier_RoundTrips()
    {
        // Arrange: 1,364 characters of 3 UTF-8 bytes each: 4,092 bytes, the most a record carries.
        var device = new string('氧', 1364);

        // Act & Assert
        ShouldRoundTrip(Batch(device, ("o2", 1, 0, null)));
    }

    [Fact]
    public async Task Read_ThroughWriteAheadLog_SameBatch()
    {
        // Arrange
        using var dir = new TempDirectory();
        await using var log = WalTest.Open(WalTest.Options(dir), new FakeTimeProvider(WalTest.T0));
        var batch = Batch("gas-z002", ("o2", 19.5, 0, 42), ("ch4", 1.25, 10, null));

        // Act
        var (_, durable) = await log.AppendAsync(WalRecordKind.Telemetry, batch, TelemetryRecord.Write, CancellationToken.None);
        await durable.WaitAsync(WalTest.Timeout);
        using var reader = log.OpenReader(1);
        reader.TryRead(out var record).ShouldBeTrue();

        // Assert
        record.Kind.ShouldBe(WalRecordKind.Telemetry);
        var read = TelemetryRecord.Read(record.Payload.Span);
        read.DeviceId.ShouldBe("gas-z002");
        read.Readings.ShouldBe(batch.Readings);
        read.ReceivedAt.ShouldBe(batch.ReceivedAt);
    }
}
