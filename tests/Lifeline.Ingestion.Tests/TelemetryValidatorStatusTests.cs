using Lifeline.Contracts.Mqtt;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lifeline.Ingestion.Tests;

public sealed class TelemetryValidatorStatusTests
{
    private const string StatusTopic = $"lifeline/{TestRegistry.Site}/{TestRegistry.GasZone1Device}/status";
    private readonly IngestionMetrics _metrics;
    private readonly TelemetryValidator _sut;

    public TelemetryValidatorStatusTests()
    {
        var time = new FakeTimeProvider();
        var options = Microsoft.Extensions.Options.Options.Create(new IngestionOptions());
        _metrics = new IngestionMetrics(NullLogger<IngestionMetrics>.Instance, time, options);
        _sut = new TelemetryValidator(TestRegistry.Create(), options, _metrics, time);
    }

    [Theory]
    [InlineData("online", true)]
    [InlineData("offline", false)]
    [InlineData(" offline\n", false)]
    public void ValidateStatus_OnlineOrOffline_ReturnsDeviceAndState(string payload, bool online)
    {
        var status = _sut.ValidateStatus(StatusTopic, Payloads.Single(payload));

        status.ShouldBe((TestRegistry.GasZone1Device, online));
        _metrics.TotalRejects.ShouldBe(0);
    }

    [Fact]
    public void ValidateStatus_EmptyRetainedClear_IsNeitherStatusNorError()
    {
        _sut.ValidateStatus(StatusTopic, Payloads.Single(string.Empty)).ShouldBeNull();
        _metrics.TotalRejects.ShouldBe(0);
    }

    [Theory]
    [InlineData("lifeline/test-rd/no-such-ctl/status", "online", PayloadError.UnknownDevice)]
    [InlineData("lifeline/wwtp9/test-rd-trunk-gas-z001-ctl/status", "online", PayloadError.UnknownDevice)]
    [InlineData("lifeline/test-rd/test-rd-trunk-gas-z001-ctl/telemetry", "online", PayloadError.BadTopic)]
    [InlineData(StatusTopic, "ONLINE!", PayloadError.BadStatus)]
    [InlineData(StatusTopic, "{\"state\": \"online\", \"battery\": 80}", PayloadError.BadStatus)]
    public void ValidateStatus_BadInput_IsRejectedWithReason(string topic, string payload, PayloadError reason)
    {
        _sut.ValidateStatus(topic, Payloads.Single(payload)).ShouldBeNull();

        _metrics.RejectsOf(reason).ShouldBe(1);
        _metrics.TotalRejects.ShouldBe(1);
    }
}
