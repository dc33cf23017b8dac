using System.Buffers;
using System.Text;
using System.Text.Json;
using Lifeline.Contracts.Alarms;
using Lifeline.Storage.Records;
using Lifeline.Storage.Wal;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Storage.Tests;

public sealed class AlarmEventRecordTests
{
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.FromHours(8)).AddTicks(1_234_567);

    private static AlarmDto Full() => new()
    {
        Seq = 9_007_199_254_740_993,
        Id = "alarm-0001",
        State = "Acknowledged",
        Priority = "Critical",
        Kind = "o2_low",
        RuleId = "o2-low-l2",
        SiteId = "site-北",
        DeviceId = "gas-z001",
        SensorId = "gas-z001/o2",
        TunnelId = "T1",
        CabinId = "C2",
        ZoneId = "Z003",
        Location = "T1 · C2 · Z003 · K12+345 — “quoted” \\ slash",
        Value = 17.123456789012345,
        Limit = 18,
        Unit = "%vol",
        Message = "O₂ low\nsecond line\u0001",
        RaisedAt = At,
        AcknowledgedAt = At.AddSeconds(30),
        AcknowledgedBy = "op.li",
        ClearedAt = At.AddMinutes(5),
        ChangedAt = At.AddTicks(1),
    };

    private static AlarmDto Minimal() => new()
    {
        Seq = 1,
        Id = "a",
        State = "Unacknowledged",
        Priority = "Low",
        Kind = "k",
        RuleId = "r",
        SiteId = "s",
        DeviceId = "d",
        SensorId = "d/c",
        Location = "station",
        Message = "m",
        RaisedAt = At,
        ChangedAt = At,
    };

    private static byte[] Encode(AlarmDto alarm)
    {
        var buffer = new ArrayBufferWriter<byte>();
        AlarmEventRecord.Write(buffer, alarm);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Read_WrittenAlarmWithEveryField_SameAlarm()
    {
        // Arrange
        var alarm = Full();

        // Act
        var read = AlarmEventRecord.Read(Encode(alarm));

        // Assert
        read.ShouldBe(alarm);
        read.RaisedAt.Offset.ShouldBe(alarm.RaisedAt.Offset);
        read.ChangedAt.UtcTicks.ShouldBe(alarm.ChangedAt.UtcTicks);
    }

    [Fact]
    public void Read_WrittenAlarmWithoutOptionalFields_SameAlarm()
    {
        // Arrange
        var alarm = Minimal();

        // Act
        var read = AlarmEventRecord.Read(Encode(alarm));

        // Assert
        read.ShouldBe(alarm);
        read.Value.ShouldBeNull();
        read.AcknowledgedAt.ShouldBeNull();
    }

    [Fact]
    public void Read_JsonNull_ThrowsInvalidData() =>
        Should.Throw<InvalidDataException>(() => AlarmEventRecord.Read("null"u8));

    [Fact]
    public void Read_Truncated_Throws()
    {
        // Arrange
        var bytes = Encode(Full());

        // Act & Assert
        Should.Throw<JsonException>(() => AlarmEventRecord.Read(bytes.AsSpan(0, bytes.Length / 2)));
    }

    [Fact]
    public void Read_RequiredFieldMissing_Throws() =>
        Should.Throw<JsonException>(() => AlarmEventRecord.Read(Encoding.UTF8.GetBytes("""{"seq":1,"id":"a"}""")));

    [Fact]
    public async Task Read_ThroughWriteAheadLog_SameAlarm()
    {
        // Arrange
        using var dir = new TempDirectory();
        var time = new FakeTimeProvider(WalTest.T0);
        await using var log = WalTest.Open(WalTest.Options(dir), time);
        var alarm = Full();

        // Act
        var (lsn, durable) = log.Append(WalRecordKind.AlarmEvent, alarm, AlarmEventRecord.Write);
        await durable.WaitAsync(WalTest.Timeout);
        using var reader = log.OpenReader(1);
        reader.TryRead(out var record).ShouldBeTrue();

        // Assert
        record.Lsn.ShouldBe(lsn);
        record.Kind.ShouldBe(WalRecordKind.AlarmEvent);
        record.AppendedAt.ShouldBe(WalTest.T0);
        AlarmEventRecord.Read(record.Payload.Span).ShouldBe(alarm);
    }
}
