using Lifeline.Contracts.Mqtt;

namespace Lifeline.Ingestion.Tests;

public sealed class MqttTopicsTests
{
    [Theory]
    [InlineData("lifeline/test-rd/test-rd-trunk-gas-z001-ctl/telemetry", "test-rd", "test-rd-trunk-gas-z001-ctl", "telemetry")]
    [InlineData("lifeline/wwtp9/wwtp9-effluent-an1/status", "wwtp9", "wwtp9-effluent-an1", "status")]
    [InlineData("lifeline/s/d/command", "s", "d", "command")]
    public void TryParse_DeviceTopic_ReturnsSiteDeviceAndKind(string topic, string expectedSite, string expectedDevice, string expectedKind)
    {
        // Act
        var ok = MqttTopics.TryParse(topic, out var site, out var device, out var kind);

        // Assert
        ok.ShouldBeTrue();
        site.ShouldBe(expectedSite);
        device.ShouldBe(expectedDevice);
        kind.ShouldBe(expectedKind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lifeline")]
    [InlineData("lifeline/site/device")]
    [InlineData("lifeline/site/device/command/ack")] // five levels
    [InlineData("lifeline/site/device/telemetry/")]
    [InlineData("other/site/device/telemetry")]
    [InlineData("Lifeline/site/device/telemetry")] // the root is case-sensitive
    [InlineData("lifeline-platform/inst/status")]
    [InlineData("/lifeline/site/device/telemetry")]
    [InlineData("lifeline//device/telemetry")]
    [InlineData("lifeline/site//telemetry")]
    public void TryParse_NotADeviceTopic_ReturnsFalseAndEmptyParts(string topic)
    {
        // Act
        var ok = MqttTopics.TryParse(topic, out var site, out var device, out var kind);

        // Assert
        ok.ShouldBeFalse();
        site.ShouldBeEmpty();
        device.ShouldBeEmpty();
        kind.ShouldBeEmpty();
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        // Act
        var ok = MqttTopics.TryParse(null!, out var site, out _, out _);

        // Assert
        ok.ShouldBeFalse();
        site.ShouldBeEmpty();
    }

    [Fact]
    public void TryParse_TopicsBuiltByTheHelpers_RoundTrip()
    {
        // Act
        var telemetry = MqttTopics.TryParse(MqttTopics.Telemetry("test-rd", "dev-1"), out var s1, out var d1, out var k1);
        var status = MqttTopics.TryParse(MqttTopics.Status("test-rd", "dev-1"), out var s2, out var d2, out var k2);
        var ack = MqttTopics.TryParse(MqttTopics.CommandAck("test-rd", "dev-1"), out _, out _, out _);

        // Assert
        MqttTopics.Telemetry("test-rd", "dev-1").ShouldBe("lifeline/test-rd/dev-1/telemetry");
        (telemetry, s1, d1, k1).ShouldBe((true, "test-rd", "dev-1", "telemetry"));
        (status, s2, d2, k2).ShouldBe((true, "test-rd", "dev-1", "status"));
        ack.ShouldBeFalse();
    }
}
