using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Ingestion.Tests;

public sealed class TelemetryValidatorTests
{
    private const string Device = TestRegistry.GasZone1Device;
    private const string Topic = $"lifeline/{TestRegistry.Site}/{Device}/telemetry";
    private const int MaxBytes = TelemetryPayloadReader.DefaultMaxPayloadBytes;
    private const int MaxBatch = TelemetryPayloadReader.DefaultMaxBatch;

    private static readonly DateTimeOffset Now = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly IngestionMetrics _metrics;
    private readonly TelemetryValidator _sut;

    public TelemetryValidatorTests()
    {
        var options = Microsoft.Extensions.Options.Options.Create(new IngestionOptions());
        _metrics = new IngestionMetrics(NullLogger<IngestionMetrics>.Instance, _time, options);
        _sut = new TelemetryValidator(TestRegistry.Create(), options, _metrics, _time);
    }

    private static long Ms(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    private TelemetryBatch? Validate(string json, string topic = Topic) => _sut.Validate(topic, Payloads.Single(json), MaxBytes, MaxBatch);

    [Fact]
    public void Validate_ValidMessage_ReturnsReadingsWithDeviceChannelValueTsAndSeq()
    {
        // Arrange
        var ts = Now.AddSeconds(-2);
        var json = $$$"""{"ts": {{{Ms(ts)}}}, "seq": 7, "values": {"o2": 20.9, "ch4": 1.5, "temp": 22}}""";

        // Act
        var batch = Validate(json);

        // Assert
        batch.ShouldNotBeNull();
        batch.DeviceId.ShouldBe(Device);
        batch.ReceivedAt.ShouldBe(Now);
        batch.Readings.ShouldBe(
        [
            new Reading(Device, "o2", 20.9, ts, 7),
            new Reading(Device, "ch4", 1.5, ts, 7),
            new Reading(Device, "temp", 22, ts, 7),
        ]);
        _metrics.TotalRejects.ShouldBe(0);
        _metrics.Messages.ShouldBe(1);
        _metrics.Readings.ShouldBe(3);
    }

    [Fact]
    public void Validate_NoTs_StampsServerTimeAndNullSeq()
    {
        // Arrange
        _time.Advance(TimeSpan.FromMinutes(3));

        // Act
        var batch = Validate("""{"values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldNotBeNull();
        batch.Readings.ShouldBe([new Reading(Device, "o2", 20.9, Now.AddMinutes(3), null)]);
        batch.ReceivedAt.ShouldBe(Now.AddMinutes(3));
    }

    [Fact]
    public void Validate_Booleans_BecomeOneAndZero()
    {
        // Act
        var first = Validate("""{"seq": 1, "values": {"intrusion": true}}""");
        var second = Validate("""{"seq": 2, "values": {"intrusion": false}}""");

        // Assert
        first.ShouldNotBeNull().Readings.ShouldBe([new Reading(Device, "intrusion", 1, Now, 1)]);
        second.ShouldNotBeNull().Readings.ShouldBe([new Reading(Device, "intrusion", 0, Now, 2)]);
    }

    [Fact]
    public void Validate_Batch_KeepsEachMessagesTsAndSeq()
    {
        // Arrange
        var t1 = Now.AddSeconds(-20);
        var t2 = Now.AddSeconds(-10);
        var json = $$$"""[{"ts": {{{Ms(t1)}}}, "seq": 10, "values": {"o2": 20.1}}, {"ts": {{{Ms(t2)}}}, "seq": 11, "values": {"o2": 20.2, "intrusion": true}}]""";

        // Act
        var batch = Validate(json);

        // Assert
        batch.ShouldNotBeNull().Readings.ShouldBe(
        [
            new Reading(Device, "o2", 20.1, t1, 10),
            new Reading(Device, "o2", 20.2, t2, 11),
            new Reading(Device, "intrusion", 1, t2, 11),
        ]);
        _metrics.Readings.ShouldBe(3);
        _metrics.Messages.ShouldBe(1);
    }

    [Fact]
    public void Validate_PlantDeviceOnItsSite_IsAccepted()
    {
        // Act
        var batch = Validate("""{"values": {"cod": 42.5}}""", $"lifeline/wwtp9/{TestRegistry.PlantDevice}/telemetry");

        // Assert
        batch.ShouldNotBeNull().Readings.ShouldBe([new Reading(TestRegistry.PlantDevice, "cod", 42.5, Now, null)]);
    }

    [Theory]
    [InlineData($"lifeline/{TestRegistry.Site}/{TestRegistry.GasZone1Device}/status")]
    [InlineData($"lifeline/{TestRegistry.Site}/{TestRegistry.GasZone1Device}/command")]
    [InlineData($"lifeline/{TestRegistry.Site}/{TestRegistry.GasZone1Device}/telemetry/extra")]
    [InlineData($"city/{TestRegistry.Site}/{TestRegistry.GasZone1Device}/telemetry")]
    [InlineData("lifeline/telemetry")]
    [InlineData("")]
    public void Validate_BadTopic_RejectsWithBadTopic(string topic)
    {
        // Act
        var batch = Validate("""{"values": {"o2": 20.9}}""", topic);

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.BadTopic).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
        _metrics.Messages.ShouldBe(1);
        _metrics.Readings.ShouldBe(0);
    }

    [Theory]
    [InlineData($"lifeline/{TestRegistry.Site}/no-such-device/telemetry")]
    [InlineData($"lifeline/wwtp9/{TestRegistry.GasZone1Device}/telemetry")] // right id, wrong site
    [InlineData($"lifeline/{TestRegistry.Site}/{TestRegistry.PlantDevice}/telemetry")] // right id, wrong site
    [InlineData($"lifeline/{TestRegistry.Site}/TEST-RD-TRUNK-GAS-Z001-CTL/telemetry")] // ids are case-sensitive
    public void Validate_UnknownDeviceOrWrongSite_RejectsWithUnknownDevice(string topic)
    {
        // Act
        var batch = Validate("""{"values": {"o2": 20.9, "cod": 10}}""", topic);

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.UnknownDevice).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }

    [Fact]
    public void Validate_UnknownDeviceWithMalformedPayload_CountsOnlyUnknownDevice()
    {
        // Act
        var batch = Validate("{not json", $"lifeline/{TestRegistry.Site}/ghost/telemetry");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.UnknownDevice).ShouldBe(1);
        _metrics.RejectsOf(PayloadError.MalformedJson).ShouldBe(0);
    }

    [Fact]
    public void Validate_MalformedPayload_RejectsWithParserReason()
    {
        // Act
        var batch = Validate("""{"values": {"o2": 20.9}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.MalformedJson).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }

    [Fact]
    public void Validate_PayloadOverLimit_RejectsWithPayloadTooLarge()
    {
        // Act
        var batch = _sut.Validate(Topic, Payloads.Single("""{"values": {"o2": 20.9}}"""), maxPayloadBytes: 10, MaxBatch);

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.PayloadTooLarge).ShouldBe(1);
    }

    [Fact]
    public void Validate_UnknownChannel_RejectsWithUnknownChannel()
    {
        // Act: h2s is not a channel of the gas-cabin controller, cod belongs to the plant.
        var batch = Validate("""{"values": {"h2s": 3, "cod": 10}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.UnknownChannel).ShouldBe(2);
        _metrics.TotalRejects.ShouldBe(2);
        _metrics.Readings.ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"values": {"o2": true}}""")]
    [InlineData("""{"values": {"temp": false}}""")]
    [InlineData("""{"values": {"intrusion": 1}}""")]
    [InlineData("""{"values": {"intrusion": 0}}""")]
    public void Validate_ValueKindDiffersFromChannelKind_RejectsWithChannelTypeMismatch(string json)
    {
        // Act
        var batch = Validate(json);

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.ChannelTypeMismatch).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }

    [Theory]
    [InlineData("o2", 30)]
    [InlineData("o2", 25.01)]
    [InlineData("o2", -0.1)]
    [InlineData("temp", -20.5)]
    [InlineData("temp", 80.5)]
    [InlineData("ch4", 100.1)]
    public void Validate_ValueOutsidePhysicalRange_RejectsWithOutOfPhysicalRange_AndKeepsItForAnomalyDetection(string channel, double value)
    {
        // Act
        var batch = Validate($$$"""{"seq": 7, "values": {"{{{channel}}}": {{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""");

        // Assert: no reading is accepted; the value travels on as a sensor fault only.
        batch.ShouldNotBeNull().Readings.ShouldBeEmpty();
        batch.OutOfRange.ShouldBe([new Reading(Device, channel, value, Now, 7)]);
        _metrics.RejectsOf(PayloadError.OutOfPhysicalRange).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
        _metrics.Readings.ShouldBe(0);
    }

    [Fact]
    public void Validate_ValuesAtPhysicalRangeBounds_AreAccepted()
    {
        // Act
        var batch = Validate("""{"values": {"o2": 0, "ch4": 100, "temp": -20}}""");

        // Assert
        batch.ShouldNotBeNull().Readings.Select(r => r.Value).ShouldBe([0d, 100d, -20d]);
        _metrics.TotalRejects.ShouldBe(0);
    }

    [Fact]
    public void Validate_TimestampMoreThanFiveMinutesAhead_RejectsWithTimestampInFuture()
    {
        // Act
        var batch = Validate($$$"""{"ts": {{{Ms(Now.AddMinutes(5).AddMilliseconds(1))}}}, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.TimestampInFuture).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }

    [Fact]
    public void Validate_TimestampExactlyFiveMinutesAhead_IsAccepted()
    {
        // Arrange
        var ts = Now.AddMinutes(5);

        // Act
        var batch = Validate($$$"""{"ts": {{{Ms(ts)}}}, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldNotBeNull().Readings.Single().Timestamp.ShouldBe(ts);
    }

    [Fact]
    public void Validate_TimestampFarInTheFuture_RejectsWithoutThrowing()
    {
        // Act: larger than DateTimeOffset.MaxValue in unix milliseconds.
        var batch = Validate("""{"ts": 9223372036854775807, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.TimestampInFuture).ShouldBe(1);
    }

    [Fact]
    public void Validate_TimestampOlderThanSevenDays_RejectsWithTimestampTooOld()
    {
        // Act
        var batch = Validate($$$"""{"ts": {{{Ms(Now.AddDays(-7).AddMilliseconds(-1))}}}, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.TimestampTooOld).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }

    [Fact]
    public void Validate_TimestampZero_RejectsWithTimestampTooOld()
    {
        // Act
        var batch = Validate("""{"ts": 0, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.TimestampTooOld).ShouldBe(1);
    }

    [Fact]
    public void Validate_TimestampExactlySevenDaysOld_IsAccepted()
    {
        // Arrange
        var ts = Now.AddDays(-7);

        // Act
        var batch = Validate($$$"""{"ts": {{{Ms(ts)}}}, "values": {"o2": 20.9}}""");

        // Assert
        batch.ShouldNotBeNull().Readings.Single().Timestamp.ShouldBe(ts);
    }

    [Theory]
    [InlineData("\"low\"", PayloadError.WrongValueType)]
    [InlineData("null", PayloadError.WrongValueType)]
    [InlineData("\"NaN\"", PayloadError.NonFiniteValue)]
    [InlineData("1e400", PayloadError.NonFiniteValue)]
    [InlineData("true", PayloadError.ChannelTypeMismatch)]
    [InlineData("30", PayloadError.OutOfPhysicalRange)]
    public void Validate_OneBadValueAmongTwoGood_AcceptsTheGoodOnesAndCountsOneReject(string bad, PayloadError reason)
    {
        // Arrange
        var json = $$$"""{"seq": 5, "values": {"ch4": 1.5, "o2": {{{bad}}}, "temp": 21.5}}""";

        // Act
        var batch = Validate(json);

        // Assert
        batch.ShouldNotBeNull().Readings.ShouldBe(
        [
            new Reading(Device, "ch4", 1.5, Now, 5),
            new Reading(Device, "temp", 21.5, Now, 5),
        ]);
        _metrics.RejectsOf(reason).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
        _metrics.Readings.ShouldBe(2);
    }

    [Fact]
    public void Validate_BatchWithBadMessages_KeepsTheGoodMessagesAndCountsEachBadOne()
    {
        // Arrange
        var good = Now.AddSeconds(-1);
        var json = $$$"""
            [
              {"ts": {{{Ms(good)}}}, "seq": 1, "values": {"o2": 20.9}},
              {"ts": "now", "seq": 2, "values": {"o2": 20.8}},
              {"ts": {{{Ms(Now.AddDays(-8))}}}, "seq": 3, "values": {"o2": 20.7}},
              {"ts": {{{Ms(Now.AddHours(1))}}}, "seq": 4, "values": {"o2": 20.6}},
              {"seq": 5},
              42,
              {"ts": {{{Ms(good)}}}, "seq": -6, "values": {"o2": 20.5}},
              {"ts": {{{Ms(good)}}}, "seq": 7, "values": {"temp": 19}}
            ]
            """;

        // Act
        var batch = Validate(json);

        // Assert
        batch.ShouldNotBeNull().Readings.ShouldBe(
        [
            new Reading(Device, "o2", 20.9, good, 1),
            new Reading(Device, "temp", 19, good, 7),
        ]);
        _metrics.RejectsByReason().ShouldBe(
            new Dictionary<string, long>
            {
                ["BadTimestamp"] = 1, ["TimestampTooOld"] = 1, ["TimestampInFuture"] = 1, ["MissingValues"] = 1, ["NotAnObject"] = 1, ["BadSeq"] = 1,
            },
            ignoreOrder: true);
        _metrics.Readings.ShouldBe(2);
    }

    [Fact]
    public void Validate_MessageWithOnlyBadValues_ReturnsNullAndCountsNoReadings()
    {
        // Act
        var batch = Validate("""{"values": {"o2": "x", "intrusion": 3}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.RejectsOf(PayloadError.WrongValueType).ShouldBe(1);
        _metrics.RejectsOf(PayloadError.ChannelTypeMismatch).ShouldBe(1);
        _metrics.Readings.ShouldBe(0);
    }

    [Fact]
    public void Validate_EmptyValuesObject_ReturnsNullWithoutReject()
    {
        // Act
        var batch = Validate("""{"values": {}}""");

        // Assert
        batch.ShouldBeNull();
        _metrics.TotalRejects.ShouldBe(0);
        _metrics.Messages.ShouldBe(1);
    }

    [Fact]
    public void Validate_SeveralPayloads_CountsMessagesAndReadings()
    {
        // Act
        Validate("""{"values": {"o2": 20.9, "ch4": 0, "temp": 20}}""");
        Validate("""{"values": {"o2": 20.8, "intrusion": false}}""");
        Validate("""{"values": {"o2": 20.7}}""", "lifeline/x/y/status");
        Validate("""{"values": {"o2": 99}}""");

        // Assert
        _metrics.Messages.ShouldBe(4);
        _metrics.Readings.ShouldBe(5);
        _metrics.TotalRejects.ShouldBe(2);
        _metrics.RejectsOf(PayloadError.BadTopic).ShouldBe(1);
        _metrics.RejectsOf(PayloadError.OutOfPhysicalRange).ShouldBe(1);
    }
}
