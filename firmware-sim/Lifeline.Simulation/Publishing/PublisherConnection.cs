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
            try
            {
                await ConnectAsync(client, cancellationToken);
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
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_settings.Host, _settings.Port)
            .WithClientId(ClientId)
            .WithCleanSession()
            .WithTimeout(_settings.ConnectTimeout)
            .Build();
        var result = await client.ConnectAsync(options, cancellationToken);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
        }
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
    }
}
