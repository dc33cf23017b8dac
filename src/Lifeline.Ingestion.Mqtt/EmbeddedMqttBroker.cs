using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// Hosts an MQTTnet broker inside the platform (<c>Mqtt:Mode=Embedded</c>), so it runs with nothing installed.
/// Registered before the ingestion client, so it listens before the client connects.
/// </summary>
public sealed partial class EmbeddedMqttBroker(IOptions<MqttOptions> options, ILogger<EmbeddedMqttBroker> logger) : IHostedService, IAsyncDisposable
{
    private MqttServer? _server;

    public bool IsRunning => _server?.IsStarted == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (o.Mode != MqttMode.Embedded)
        {
            return;
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(o.BindAddress))
            .WithDefaultEndpointPort(o.Port)
            .WithPersistentSessions()
            .WithMaxPendingMessagesPerClient(o.EmbeddedMaxPendingPerClient)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += e =>
        {
            // MQTT 5 clients may connect without an id; give them one (3.1.1 clients must bring their own).
            if (string.IsNullOrEmpty(e.ClientId) && e.ProtocolVersion == MQTTnet.Formatter.MqttProtocolVersion.V500)
            {
                e.AssignedClientIdentifier = "anon-" + Guid.NewGuid().ToString("N")[..12];
            }

            return Task.CompletedTask;
        };
        _server.QueuedApplicationMessageOverwrittenAsync += e =>
        {
            Log.QueueOverflow(logger, e.ReceiverClientId);
            return Task.CompletedTask;
        };
        await _server.StartAsync();
        Log.Started(logger, o.BindAddress, o.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true } server)
        {
            await server.StopAsync(new MqttServerStopOptions());
        }
    }

    public ValueTask DisposeAsync()
    {
        _server?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}")]
        public static partial void Started(ILogger logger, string address, int port);

        [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Embedded MQTT broker dropped a queued message for slow client {ClientId}: raise Mqtt:EmbeddedMaxPendingPerClient")]
        public static partial void QueueOverflow(ILogger logger, string clientId);
    }
}
