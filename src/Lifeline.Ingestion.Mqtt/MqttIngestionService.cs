using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;
using Polly;
using Polly.Retry;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>
/// The platform's MQTT client: a persistent QoS 1 session that reconnects with exponential backoff and jitter, a
/// retained status topic with a last will, and a receive handler that validates each message and hands the readings
/// to the sink. A message is acknowledged to the broker only once its readings are on disk (the sink's durable
/// task), in the order the messages arrived; the handler does not wait for the disk, so one disk flush acknowledges
/// many messages. Nothing throws out of the handler.
/// </summary>
public sealed partial class MqttIngestionService(
    IOptions<MqttOptions> options,
    TelemetryValidator validator,
    IngestionMetrics metrics,
    Lifeline.Domain.Assets.AssetRegistry registry,
    ITelemetrySink sink,
    MqttConnectionState state,
    TimeProvider time,
    ILogger<MqttIngestionService> logger) : BackgroundService, IMqttCommandPublisher
{
    private IMqttClient? _client;
    private readonly MqttOptions _options = options.Value;
    private readonly IReadOnlySet<string>? _sites = options.Value.Partition;
    private readonly SemaphoreSlim _disconnected = new(0);
    private readonly System.Threading.Channels.Channel<PendingAck> _acks = System.Threading.Channels.Channel.CreateUnbounded<PendingAck>(
        new System.Threading.Channels.UnboundedChannelOptions { SingleReader = true });
    private CancellationToken _stopping;
    private long _ackFailures;

    private string StatusTopic => MqttTopics.PlatformStatus(_options.ClientId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        using var client = new MqttClientFactory().CreateMqttClient();
        Volatile.Write(ref _client, client);
        client.ApplicationMessageReceivedAsync += OnMessageAsync;
        client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                state.SetDisconnected(time.GetUtcNow(), e.Exception?.Message ?? e.Reason.ToString());
                Log.Disconnected(logger, _options.Host, _options.Port, e.Reason.ToString(), e.Exception?.Message);
            }

            _disconnected.Release();
            return Task.CompletedTask;
        };

        var reconnect = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = _options.MaxReconnectDelay,
                OnRetry = args =>
                {
                    state.SetDisconnected(time.GetUtcNow(), args.Outcome.Exception?.Message);
                    Log.ConnectFailed(logger, _options.Host, _options.Port, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();

        var acknowledging = AcknowledgeLoopAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (!client.IsConnected)
                {
                    await reconnect.ExecuteAsync(ct => new ValueTask(ConnectAsync(client, ct)), stoppingToken);
                }

                await _disconnected.WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Volatile.Write(ref _client, null);
            _acks.Writer.TryComplete();
            await acknowledging;
            await GoOfflineAsync(client);
        }
    }

    /// <summary>Acknowledges messages in arrival order, each once its readings are durable.</summary>
    private async Task AcknowledgeLoopAsync(CancellationToken stoppingToken)
    {
        long leftAtShutdown = 0;
        await foreach (var pending in _acks.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                // Stopping: what is still queued stays unacknowledged and the broker delivers it again (said once, below).
                leftAtShutdown++;
                continue;
            }

            try
            {
                await pending.Durable.WaitAsync(stoppingToken);
            }
#pragma warning disable CA1031 // Not durable (shutdown, log closed): leave it unacknowledged, the broker delivers it again.
            catch (Exception)
#pragma warning restore CA1031
            {
                leftAtShutdown++;
                continue;
            }

            try
            {
                await pending.Message.AcknowledgeAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                leftAtShutdown++;
            }
#pragma warning disable CA1031 // The connection may be gone; the broker redelivers unacknowledged messages.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (Interlocked.Increment(ref _ackFailures) is var n && (n == 1 || n % 1000 == 0))
                {
                    Log.AckFailed(logger, pending.Message.ApplicationMessage.Topic, n, ex.Message);
                }
            }
        }

        if (leftAtShutdown > 0)
        {
            Log.LeftUnacknowledged(logger, leftAtShutdown);
        }
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithClientId(_options.ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval((uint)_options.SessionExpiry.TotalSeconds)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(StatusTopic)
            .WithWillPayload(MqttTopics.Offline)
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.Username is { Length: > 0 } user)
        {
            builder = builder.WithCredentials(user, _options.Password);
        }

        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(o => o.UseTls());
        }

        // Drop signals left by earlier failed attempts; from here on a release means a real disconnect.
        while (_disconnected.CurrentCount > 0)
        {
            await _disconnected.WaitAsync(cancellationToken);
        }

        var result = await client.ConnectAsync(builder.Build(), cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }

        var filters = SubscriptionFilters(_sites);
        if (filters.Count > 0)
        {
            var subscribe = new MqttClientSubscribeOptionsBuilder();
            foreach (var filter in filters)
            {
                subscribe = subscribe.WithTopicFilter(f => f.WithTopic(filter).WithAtLeastOnceQoS());
            }

            await client.SubscribeAsync(subscribe.Build(), cancellationToken);
        }

        if (_sites is not null && result.IsSessionPresent)
        {
            // A persistent session from before this partition may still hold the all-sites filters or other sites'.
            var unsubscribe = new MqttClientUnsubscribeOptionsBuilder()
                .WithTopicFilter(MqttTopics.TelemetryFilter)
                .WithTopicFilter(MqttTopics.StatusFilter);
            var others = registry.Sites.Select(s => s.Id).Where(id => !_sites.Contains(id)).ToHashSet(StringComparer.Ordinal);
            foreach (var filter in SubscriptionFilters(others))
            {
                unsubscribe = unsubscribe.WithTopicFilter(filter);
            }

            await client.UnsubscribeAsync(unsubscribe.Build(), cancellationToken);
        }

        await client.PublishStringAsync(StatusTopic, MqttTopics.Online, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cancellationToken);
        state.SetConnected(time.GetUtcNow());
        Log.Connected(logger, _options.Host, _options.Port, _options.ClientId, result.IsSessionPresent);
        if (_sites is not null)
        {
            Log.Partition(logger, _options.Sites);
        }
    }

    /// <summary>
    /// The topic filters of an instance: every site's when <paramref name="sites"/> is null, else those of the given sites
    /// (none for an empty set). See <see cref="MqttOptions.Partition"/>.
    /// </summary>
    public static IReadOnlyList<string> SubscriptionFilters(IReadOnlySet<string>? sites) =>
        sites is null
            ? [MqttTopics.TelemetryFilter, MqttTopics.StatusFilter]
            : [.. sites.Order(StringComparer.Ordinal).SelectMany(site => new[] { $"{MqttTopics.Root}/{site}/+/telemetry", $"{MqttTopics.Root}/{site}/+/status" })];

    /// <summary>True when the topic's site is outside this instance's partition (only after a partition change).</summary>
    private bool OtherSite(string topic) =>
        _sites is not null && MqttTopics.TryParse(topic, out var site, out _, out _) && !_sites.Contains(site);

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // Acknowledge only after the readings are on disk: a crash before that makes the broker redeliver.
        e.AutoAcknowledge = false;
        var topic = e.ApplicationMessage.Topic;
        var durable = Task.CompletedTask;
        try
        {
            if (OtherSite(topic))
            {
                // Queued in a persistent session by an earlier subscription: the owning instance has its own copy.
                metrics.OtherSite();
            }
            else if (topic.EndsWith("/status", StringComparison.Ordinal))
            {
                OnStatus(topic, e.ApplicationMessage.Payload);
            }
            else
            {
                var batch = validator.Validate(topic, e.ApplicationMessage.Payload, _options.MaxPayloadBytes, _options.MaxBatch);
                if (batch is not null)
                {
                    durable = await sink.AcceptAsync(batch, _stopping);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: leave the message unacknowledged so the broker delivers it again to the next session.
            return;
        }
#pragma warning disable CA1031 // A message handler must never throw: one bad message must not stop ingestion.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.HandlerFailed(logger, topic, ex);
        }

        // Rejected and status messages are acknowledged too, in their turn: PUBACKs go out in arrival order.
        _acks.Writer.TryWrite(new PendingAck(durable, e));
    }

    /// <inheritdoc />
    public async Task PublishCommandAsync(string siteId, string deviceId, string commandId, string channel, double value, bool isBoolean, CancellationToken cancellationToken)
    {
        var client = Volatile.Read(ref _client);
        if (client is not { IsConnected: true })
        {
            throw new InvalidOperationException($"not connected to the MQTT broker {_options.Host}:{_options.Port}");
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(MqttTopics.Command(siteId, deviceId))
            .WithPayload(MqttCommandPayload.Write(commandId, time.GetUtcNow(), channel, value, isBoolean))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(false)
            .WithContentType("application/json")
            .Build();
        var result = await client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"the broker refused the command: {result.ReasonCode} {result.ReasonString}");
        }
    }

    private readonly record struct PendingAck(Task Durable, MqttApplicationMessageReceivedEventArgs Message);

    private void OnStatus(string topic, System.Buffers.ReadOnlySequence<byte> payload)
    {
        if (validator.ValidateStatus(topic, payload) is { } status)
        {
            sink.DeviceStatusChanged(status.DeviceId, status.Online, time.GetUtcNow());
        }
    }

    private async Task GoOfflineAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.PublishStringAsync(StatusTopic, MqttTopics.Offline, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, cts.Token);
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), cts.Token);
        }
#pragma warning disable CA1031 // Best effort on shutdown; the last will covers a failure here.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.DisconnectFailed(logger, ex.Message);
        }
    }

    public override void Dispose()
    {
        _disconnected.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Connected to MQTT broker {Host}:{Port} as {ClientId} (session present: {SessionPresent})")]
        public static partial void Connected(ILogger logger, string host, int port, string clientId, bool sessionPresent);

        [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Disconnected from MQTT broker {Host}:{Port}: {Reason} {Error}")]
        public static partial void Disconnected(ILogger logger, string host, int port, string reason, string? error);

        [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Cannot connect to MQTT broker {Host}:{Port} (attempt {Attempt}, next in {DelayMs:F0} ms): {Error}")]
        public static partial void ConnectFailed(ILogger logger, string host, int port, int attempt, double delayMs, string? error);

        [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Telemetry handler failed on {Topic}; message acknowledged and dropped")]
        public static partial void HandlerFailed(ILogger logger, string topic, Exception exception);

        [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Could not acknowledge a message on {Topic} ({Count} such failures so far; the broker delivers them again): {Error}")]
        public static partial void AckFailed(ILogger logger, string topic, long count, string error);

        [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "Stopping: {Count} received messages left unacknowledged; the broker delivers them again")]
        public static partial void LeftUnacknowledged(ILogger logger, long count);

        [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Ingesting the sites {Sites} only (Mqtt:Sites)")]
        public static partial void Partition(ILogger logger, string? sites);

        [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Clean disconnect from the MQTT broker failed: {Error}")]
        public static partial void DisconnectFailed(ILogger logger, string error);
    }
}
