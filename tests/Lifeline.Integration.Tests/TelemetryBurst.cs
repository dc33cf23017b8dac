using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using MQTTnet;
using MQTTnet.Protocol;

namespace Lifeline.Integration.Tests;

/// <summary>
/// Publishes many telemetry messages over QoS 1 with many in flight, as a fleet of devices would, on a persistent
/// session. Every reading has its own (device, channel, timestamp), so a count in InfluxDB says exactly how many were
/// stored. Timestamps start at <see cref="Epoch"/> (an hour before connecting: inside the platform's accepted age)
/// and step 1 ms per message of a device.
/// </summary>
public sealed class TelemetryBurst : IAsyncDisposable
{
    /// <summary>Time of the first message.</summary>
    public DateTimeOffset Epoch { get; } = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds());

    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly IReadOnlyList<(Device Device, IReadOnlyList<Channel> Channels)> _devices;
    private long _published;
    private long _messages;

    private TelemetryBurst(IReadOnlyList<(Device, IReadOnlyList<Channel>)> devices) => _devices = devices;

    /// <summary>Readings acknowledged by the broker so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages acknowledged by the broker so far.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Readings per message.</summary>
    public int ReadingsPerMessage { get; private init; }

    /// <summary>The device ids written to.</summary>
    public IEnumerable<string> DeviceIds => _devices.Select(d => d.Device.Id);

    /// <summary>Readings in each message: this many analog channels of a tunnel zone controller.</summary>
    public const int PerMessage = 5;

    /// <summary>Connects with a persistent session, publishing for <paramref name="deviceCount"/> tunnel devices, <see cref="PerMessage"/> analog channels each.</summary>
    public static async Task<TelemetryBurst> ConnectAsync(int port, AssetRegistry registry, int deviceCount = 4)
    {
        var devices = registry.Devices
            .Where(d => d.Location.TunnelId is not null)
            .Select(d => (Device: d, Channels: (IReadOnlyList<Channel>)d.Channels.Where(c => c.Kind == ChannelKind.Analog && !string.IsNullOrEmpty(c.Type.Measurement)).Take(PerMessage).ToList()))
            .Where(d => d.Channels.Count == PerMessage)
            .OrderBy(d => d.Device.Id, StringComparer.Ordinal)
            .Take(deviceCount)
            .ToList();
        if (devices.Count < deviceCount)
        {
            throw new InvalidOperationException($"the registry has only {devices.Count} tunnel devices with {PerMessage} analog channels");
        }

        var burst = new TelemetryBurst(devices) { ReadingsPerMessage = PerMessage };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("burst-" + Guid.NewGuid().ToString("N")[..8])
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithTimeout(TimeSpan.FromSeconds(30))
            .Build();
        await burst._client.ConnectAsync(options);
        return burst;
    }

    /// <summary>Publishes <paramref name="messages"/> messages round-robin over the devices, from message index <paramref name="start"/>.</summary>
    public async Task PublishAsync(int messages, int start = 0, int inFlight = 200, CancellationToken cancellationToken = default)
    {
        using var window = new SemaphoreSlim(inFlight);
        var pending = new List<Task>(messages);
        for (var i = start; i < start + messages; i++)
        {
            await window.WaitAsync(cancellationToken);
            var (device, channels) = _devices[i % _devices.Count];
            var ts = Epoch.AddMilliseconds(i / _devices.Count).ToUnixTimeMilliseconds();
            var values = channels.Select((c, k) => new KeyValuePair<string, object>(c.Name, Math.Round(c.Min + ((c.Max - c.Min) * (0.2 + (0.001 * ((i + k) % 100)))), 3)));
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(MqttTopics.Telemetry(device.SiteId, device.Id))
                .WithPayload(TelemetryPayloadWriter.ToBytes(ts, i + 1, values))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            pending.Add(PublishOneAsync(message, window, cancellationToken));
        }

        await Task.WhenAll(pending);
    }

    private async Task PublishOneAsync(MqttApplicationMessage message, SemaphoreSlim window, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"publish failed: {result.ReasonCode}");
            }

            Interlocked.Add(ref _published, ReadingsPerMessage);
            Interlocked.Increment(ref _messages);
        }
        finally
        {
            window.Release();
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
