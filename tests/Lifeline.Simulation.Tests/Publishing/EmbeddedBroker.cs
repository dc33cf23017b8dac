using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Lifeline.Contracts.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Lifeline.Simulation.Tests.Publishing;

/// <summary>A real MQTTnet broker on a free loopback port, and a subscriber that records everything under <c>lifeline/</c>.</summary>
internal sealed class EmbeddedBroker : IAsyncDisposable
{
    private MqttServer? _server;
    private IMqttClient? _subscriber;

    private EmbeddedBroker(int port) => Port = port;

    public int Port { get; }

    public ConcurrentQueue<(string Topic, byte[] Payload, bool Retain)> Received { get; } = new();

    /// <summary>Topic filters clients have subscribed to (as the broker saw them).</summary>
    public ConcurrentQueue<string> Subscribed { get; } = new();

    public static async Task<EmbeddedBroker> StartAsync()
    {
        var broker = new EmbeddedBroker(FreePort());
        await broker.StartServerAsync();
        return broker;
    }

    public async Task StartServerAsync()
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointPort(Port)
            .Build();
        options.DefaultEndpointOptions.ReuseAddress = true;
        _server = new MqttServerFactory().CreateMqttServer(options);
        _server.ClientSubscribedTopicAsync += e =>
        {
            Subscribed.Enqueue(e.TopicFilter.Topic);
            return Task.CompletedTask;
        };
        await _server.StartAsync();
    }

    public async Task StopServerAsync()
    {
        if (_subscriber is not null)
        {
            _subscriber.Dispose();
            _subscriber = null;
        }

        if (_server is not null)
        {
            await _server.StopAsync();
            _server.Dispose();
            _server = null;
        }
    }

    public async Task SubscribeAsync()
    {
        _subscriber = new MqttClientFactory().CreateMqttClient();
        _subscriber.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            Received.Enqueue((message.Topic, System.Buffers.BuffersExtensions.ToArray(message.Payload), message.Retain));
            return Task.CompletedTask;
        };
        await _subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithClientId($"test-subscriber-{Guid.NewGuid():N}").Build());
        await _subscriber.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(MqttTopics.TelemetryFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(MqttTopics.StatusFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
    }

    /// <summary>Publishes (QoS 1, not retained) from the subscriber's connection; <see cref="SubscribeAsync"/> first.</summary>
    public async Task PublishAsync(string topic, string payload)
    {
        var subscriber = _subscriber ?? throw new InvalidOperationException("SubscribeAsync first");
        var result = await subscriber.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"publish to {topic} failed: {result.ReasonCode}");
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until <paramref name="condition"/> holds for what has been received.</summary>
    public async Task<bool> WaitUntilAsync(Func<IReadOnlyCollection<(string Topic, byte[] Payload, bool Retain)>, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition(Received.ToArray()))
        {
            try
            {
                // Polling what a real broker delivered; the deadline only bounds a failing test.
                await Task.Delay(20, cts.Token);
            }
            catch (OperationCanceledException)
            {
                return condition(Received.ToArray());
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync() => await StopServerAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
