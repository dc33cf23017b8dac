using System.Runtime.CompilerServices;
using System.Text;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using MQTTnet;
using MQTTnet.Protocol;

namespace Lifeline.Integration.Tests;

/// <summary>An MQTT device stand-in over a real socket.</summary>
public sealed class TestMqttPublisher : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    /// <summary>The message counter of each device (the contract's seq is per device, so one publisher may stand in for several).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, StrongBox<long>> _seq = new(StringComparer.Ordinal);

    public static async Task<TestMqttPublisher> ConnectAsync(int port, string? user = null, string? password = null)
    {
        var publisher = new TestMqttPublisher();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("test-device-" + Guid.NewGuid().ToString("N")[..8]);
        if (user is not null)
        {
            options = options.WithCredentials(user, password);
        }

        var result = await publisher._client.ConnectAsync(options.Build());
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"test device could not connect: {result.ResultCode}");
        }

        return publisher;
    }

    public Task PublishAsync(Device device, string channel, object value, long? ts = null) =>
        PublishRawAsync(MqttTopics.Telemetry(device.SiteId, device.Id), Encoding.UTF8.GetString(
            TelemetryPayloadWriter.ToBytes(ts ?? TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), Interlocked.Increment(ref _seq.GetOrAdd(device.Id, _ => new StrongBox<long>()).Value), [new(channel, value)])));

    public async Task PublishRawAsync(string topic, string payload)
    {
        var result = await _client.PublishStringAsync(topic, payload, MqttQualityOfServiceLevel.AtLeastOnce);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to {topic} failed: {result.ReasonCode}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
