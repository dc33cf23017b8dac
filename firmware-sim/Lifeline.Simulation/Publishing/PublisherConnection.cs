using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Simulation.Signals;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace Lifeline.Simulation.Publishing;

/// <summary>One MQTT connection of the pool and the devices it publishes for; reconnects with backoff on its own.</summary>
internal sealed partial class PublisherConnection : IDisposable
{
    /// <summary>The loop wakes at most this often; devices due within one quantum go out together.</summary>
    private static readonly TimeSpan Quantum = TimeSpan.FromMilliseconds(20);

    /// <summary>Ignored commands are logged at most once per this interval per connection (the rest are counted).</summary>
    private static readonly TimeSpan RejectLogInterval = TimeSpan.FromSeconds(10);

    private readonly int _number;
    private readonly SimulatedDevice[] _devices;
    private readonly PublishSchedule _schedule;
    private readonly SignalGenerator _generator;
    private readonly PublisherSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly SimulatorCounters _counters;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly SemaphoreSlim _inFlight;
    private readonly Dictionary<string, SimulatedDevice> _byCommandTopic;
    private readonly Lock _rejectLogLock = new();
    private DateTimeOffset? _rejectLoggedAt;
    private long _rejectsNotLogged;

    public PublisherConnection(int number, IReadOnlyList<SimulatedDevice> devices, PublishSchedule schedule, SignalGenerator generator, PublisherSettings settings, TimeProvider timeProvider, SimulatorCounters counters, ILogger logger)
    {
        _number = number;
        _devices = [.. devices];
        _schedule = schedule;
        _generator = generator;
        _settings = settings;
        _timeProvider = timeProvider;
        _counters = counters;
        _logger = logger;
        _capacity = Math.Max(1, settings.MaxInFlight / Math.Max(1, settings.Connections));
        _inFlight = new SemaphoreSlim(_capacity, _capacity);
        _byCommandTopic = _devices.ToDictionary(d => d.CommandTopic, StringComparer.Ordinal);
    }

    public void Dispose() => _inFlight.Dispose();

    public string ClientId => $"{_settings.ClientIdPrefix}-{_number}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = _settings.ReconnectMinDelay;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;
            try
            {
                await ConnectAsync(client, cancellationToken);
                await SubscribeCommandsAsync(client, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures++;
                _counters.Error($"connect to {_settings.Host}:{_settings.Port}: {ex.Message}");
                if (failures == 1 || failures % 10 == 0)
                {
                    Log.ConnectFailed(_logger, ClientId, _settings.Host, _settings.Port, failures, backoff, ex.Message);
                }

                if (!await DelayAsync(backoff, cancellationToken))
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _settings.ReconnectMaxDelay.Ticks));
                continue;
            }

            backoff = _settings.ReconnectMinDelay;
            failures = 0;
            _counters.Connected();
            Log.Connected(_logger, ClientId, _settings.Host, _settings.Port, _devices.Length);
            try
            {
                await PublishStatusesAsync(client, cancellationToken);
                await PublishLoopAsync(client, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _counters.Error(ex.Message);
                Log.ConnectionFailed(_logger, ClientId, ex.Message);
            }
            finally
            {
                await DrainAsync();
                _counters.Disconnected();
            }

            if (cancellationToken.IsCancellationRequested)
            {
                await StopAsync(client);
                break;
            }

            Log.ConnectionLost(_logger, ClientId, backoff);
            if (!await DelayAsync(backoff, cancellationToken))
            {
                break;
            }
        }
    }

    private async Task ConnectAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_settings.Host, _settings.Port)
            .WithClientId(ClientId)
            .WithCleanSession()
            .WithTimeout(_settings.ConnectTimeout);
        if (!string.IsNullOrEmpty(_settings.Username))
        {
            builder = builder.WithCredentials(_settings.Username, _settings.Password ?? string.Empty);
        }

        var options = builder.Build();
        var result = await client.ConnectAsync(options, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }
    }

    /// <summary>Subscribes (QoS 1) to the command topic of every device of this connection.</summary>
    private async Task SubscribeCommandsAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (_devices.Length == 0)
        {
            return;
        }

        var builder = new MqttClientSubscribeOptionsBuilder();
        foreach (var device in _devices)
        {
            builder.WithTopicFilter(device.CommandTopic, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var result = await client.SubscribeAsync(builder.Build(), cancellationToken);
        var refused = result.Items.Where(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2).ToList();
        if (refused.Count > 0)
        {
            throw new InvalidOperationException($"broker refused {refused.Count} command subscription(s), e.g. {refused[0].TopicFilter.Topic}: {refused[0].ResultCode}");
        }
    }

    /// <summary>Applies a command to the device's equipment state, effective from its next published reading on. Never throws.</summary>
    private Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        try
        {
            var message = e.ApplicationMessage;
            if (!_byCommandTopic.TryGetValue(message.Topic, out var device))
            {
                Reject(message.Topic, "not a command topic of a device simulated on this connection");
                return Task.CompletedTask;
            }

            var payload = message.Payload;
            var bytes = payload.IsSingleSegment ? payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(payload);
            if (!CommandPayload.TryParse(device.Device, bytes, out var commandId, out var entries, out var error))
            {
                Reject(message.Topic, error);
                return Task.CompletedTask;
            }

            // From the next reading on: just after the last one sampled (never later than now).
            var now = _timeProvider.GetUtcNow();
            var effectiveAt = device.LastSampled is { } last && last + TimeSpan.FromTicks(1) < now ? last + TimeSpan.FromTicks(1) : now;
            foreach (var entry in entries)
            {
                if (entry.Problem is not null || entry.Feedback is null)
                {
                    Reject(message.Topic, entry.Problem ?? entry.Point);
                    continue;
                }

                _generator.Equipment.Command(device.Device.Id, entry.Feedback, entry.On ? 1 : 0, effectiveAt);
                _counters.CommandApplied();
                Log.Commanded(_logger, device.Device.Id, commandId ?? "-", entry.Point, entry.On, entry.Feedback);
            }
        }
#pragma warning disable CA1031 // A bad command must never take the connection down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Reject(e.ApplicationMessage?.Topic ?? "?", ex.Message);
        }

        return Task.CompletedTask;
    }

    private void Reject(string topic, string reason)
    {
        var count = _counters.CommandRejected();
        long suppressed;
        lock (_rejectLogLock)
        {
            var now = _timeProvider.GetUtcNow();
            if (_rejectLoggedAt is { } at && now - at < RejectLogInterval)
            {
                _rejectsNotLogged++;
                return;
            }

            _rejectLoggedAt = now;
            suppressed = _rejectsNotLogged;
            _rejectsNotLogged = 0;
        }

        Log.CommandIgnored(_logger, ClientId, topic, reason, suppressed, count);
    }

    private async Task PublishStatusesAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var device in _devices)
        {
            device.Online = _generator.IsOnline(device.Device, now);
            await SendAsync(client, StatusMessage(device, device.Online.Value), telemetry: false, cancellationToken);
        }
    }

    private async Task PublishLoopAsync(IMqttClient client, CancellationToken cancellationToken)
    {
        if (_devices.Length == 0)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellationToken);
            return;
        }

        var i = 0;
        var cycle = _schedule.CycleAtOrAfter(_devices[0].Index, _timeProvider.GetUtcNow());
        while (!cancellationToken.IsCancellationRequested && client.IsConnected)
        {
            var now = _timeProvider.GetUtcNow();
            if (now - _schedule.Due(_devices[i].Index, cycle) > _schedule.Period)
            {
                // Far behind (a slow broker, a paused process): skip what is older than one period instead of bursting it out.
                cycle = _schedule.CycleAtOrAfter(_devices[i].Index, now - _schedule.Period);
            }

            DateTimeOffset due;
            while ((due = _schedule.Due(_devices[i].Index, cycle)) <= now && client.IsConnected)
            {
                await PublishDeviceAsync(client, _devices[i], cycle, due, cancellationToken);
                if (++i == _devices.Length)
                {
                    i = 0;
                    cycle++;
                }
            }

            var wait = _schedule.Due(_devices[i].Index, cycle) - now;
            await Task.Delay(wait > Quantum ? wait : Quantum, _timeProvider, cancellationToken);
        }
    }

    private async Task PublishDeviceAsync(IMqttClient client, SimulatedDevice device, long cycle, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var online = _generator.IsOnline(device.Device, due);
        if (device.Online != online)
        {
            device.Online = online;
            Log.StatusChanged(_logger, device.Device.Id, online ? MqttTopics.Online : MqttTopics.Offline);
            await SendAsync(client, StatusMessage(device, online), telemetry: false, cancellationToken);
        }

        // Commands received from now on take effect after this reading.
        device.LastSampled = due;
        if (!online || _generator.Sample(device.Device, due) is not { } values)
        {
            return;
        }

        var payload = TelemetryPayloadWriter.ToBytes(due.ToUnixTimeMilliseconds(), cycle + 1, values);
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(device.TelemetryTopic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        await SendAsync(client, message, telemetry: true, cancellationToken);
    }

    /// <summary>Starts a publish once an in-flight slot is free; the PUBACK is awaited in the background.</summary>
    private async Task SendAsync(IMqttClient client, MqttApplicationMessage message, bool telemetry, CancellationToken cancellationToken)
    {
        await _inFlight.WaitAsync(cancellationToken);
        _ = CompleteAsync(client, message, telemetry, cancellationToken);
    }

    private async Task CompleteAsync(IMqttClient client, MqttApplicationMessage message, bool telemetry, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.PublishAsync(message, cancellationToken);
            if (!result.IsSuccess)
            {
                _counters.Error($"{message.Topic}: {result.ReasonCode} {result.ReasonString}");
            }
            else if (telemetry)
            {
                _counters.MessageSent();
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: MQTTnet reports an abandoned PUBACK wait as cancelled or as timed out; neither is an error.
        }
        catch (Exception ex)
        {
            _counters.Error($"{message.Topic}: {ex.Message}");
        }
        finally
        {
            _inFlight.Release();
        }
    }

    /// <summary>Waits until every publish of this connection has finished (acknowledged or failed).</summary>
    private async Task DrainAsync()
    {
        for (var k = 0; k < _capacity; k++)
        {
            await _inFlight.WaitAsync();
        }

        _inFlight.Release(_capacity);
    }

    private async Task StopAsync(IMqttClient client)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _timeProvider);
        try
        {
            if (_settings.PublishOfflineOnStop && client.IsConnected)
            {
                foreach (var device in _devices)
                {
                    await SendAsync(client, StatusMessage(device, online: false), telemetry: false, timeout.Token);
                }

                await DrainAsync();
            }

            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            Log.StopFailed(_logger, ClientId, ex.Message);
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static MqttApplicationMessage StatusMessage(SimulatedDevice device, bool online) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(device.StatusTopic)
            .WithPayload(online ? MqttTopics.Online : MqttTopics.Offline)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Simulator connection {ClientId} connected to {Host}:{Port}, publishing for {Devices} devices")]
        public static partial void Connected(ILogger logger, string clientId, string host, int port, int devices);

        [LoggerMessage(2, LogLevel.Warning, "Simulator connection {ClientId} cannot reach {Host}:{Port} (attempt {Attempt}), retrying in {Delay}: {Reason}")]
        public static partial void ConnectFailed(ILogger logger, string clientId, string host, int port, int attempt, TimeSpan delay, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Simulator connection {ClientId} lost, reconnecting in {Delay}")]
        public static partial void ConnectionLost(ILogger logger, string clientId, TimeSpan delay);

        [LoggerMessage(4, LogLevel.Warning, "Simulator connection {ClientId} failed: {Reason}")]
        public static partial void ConnectionFailed(ILogger logger, string clientId, string reason);

        [LoggerMessage(5, LogLevel.Information, "Simulated device {DeviceId} is now {Status}")]
        public static partial void StatusChanged(ILogger logger, string deviceId, string status);

        [LoggerMessage(6, LogLevel.Debug, "Simulator connection {ClientId} did not stop cleanly: {Reason}")]
        public static partial void StopFailed(ILogger logger, string clientId, string reason);

        [LoggerMessage(7, LogLevel.Information, "Simulated device {DeviceId}: command {CommandId} {Point} = {Value}; {Feedback} follows from the next reading")]
        public static partial void Commanded(ILogger logger, string deviceId, string commandId, string point, bool value, string feedback);

        [LoggerMessage(8, LogLevel.Warning, "Simulator connection {ClientId} ignored a command on {Topic}: {Reason} ({Suppressed} more ignored since the last warning, {Total} in all)")]
        public static partial void CommandIgnored(ILogger logger, string clientId, string topic, string reason, long suppressed, long total);
    }
}
