using System.Globalization;
using System.Net.Sockets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// Polls one device on its own loop: its own connection, its own resilience pipeline (attempt timeout, retry with
/// backoff and jitter, circuit breaker) and its own schedule, so a dead or slow device never delays another. Each poll
/// group keeps a fixed grid of due times (start + k × interval); a poll that overruns skips the ticks it missed
/// instead of drifting. Nothing throws out of a poll: failures are counted, logged rate-limited, and turned into
/// communication loss and recovery.
/// </summary>
internal sealed partial class DevicePoller : IAsyncDisposable
{
    private readonly ModbusDeviceConfig _config;
    private readonly ModbusOptions _options;
    private readonly ITelemetrySink _sink;
    private readonly ModbusDeviceState _state;
    private readonly ModbusMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RateLimitedLog _rateLimited;
    private readonly ModbusDeviceConnection _connection;
    private readonly ResiliencePipeline _pipeline;
    private readonly List<GroupSchedule> _groups;

    public DevicePoller(
        ModbusDeviceConfig config,
        ModbusOptions options,
        ITelemetrySink sink,
        ModbusDeviceState state,
        ModbusMetrics metrics,
        TimeProvider time,
        ILogger logger,
        RateLimitedLog rateLimited,
        ModbusDeviceConnection? connection = null)
    {
        _config = config;
        _options = options;
        _sink = sink;
        _state = state;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _rateLimited = rateLimited;
        // The device's one connection, shared with commands (ModbusCommander) through ModbusPollerState.
        _connection = connection ?? new ModbusDeviceConnection(config.Host, config.Port, config.UnitId, ClientOptions(options), time, state.SetConnected);
        _pipeline = BuildPipeline();
        _groups = config.Groups
            .OrderBy(g => g.Interval)
            .Select(g => new GroupSchedule(g, ModbusBlockPlanner.Plan(g.Points, options.MaxRegisterGap, options.MaxBitGap).ToList(), Ticks(g.Interval)))
            .ToList();
    }

    public string DeviceId => _config.DeviceId;

    /// <summary>The client settings of a device's connection.</summary>
    internal static ModbusTcpClientOptions ClientOptions(ModbusOptions options) => new()
    {
        RequestTimeout = options.RequestTimeout,
        ConnectTimeout = options.ConnectTimeout,
        MaxInFlight = options.MaxInFlight,
    };

    /// <summary>The device's connection, through which commands can later be queued.</summary>
    internal ModbusDeviceConnection Connection => _connection;

    /// <summary>Polls until <paramref name="stoppingToken"/> is cancelled; the first polls are due after <paramref name="startOffset"/>.</summary>
    public async Task RunAsync(TimeSpan startOffset, CancellationToken stoppingToken)
    {
        if (_groups.Count == 0)
        {
            return;
        }

        var tracker = new CommLossTracker(_options.FailuresBeforeCommLoss, _config.FastestInterval * _options.CommLossIntervals, _time.GetUtcNow());
        var first = _time.GetTimestamp() + Ticks(startOffset);
        foreach (var group in _groups)
        {
            group.NextDue = first;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var due = _groups.Min(g => g.NextDue);
                var wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, stoppingToken);
                }

                foreach (var group in _groups)
                {
                    if (group.NextDue > _time.GetTimestamp())
                    {
                        continue;
                    }

                    try
                    {
                        await PollAsync(group, tracker, stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        throw;
                    }
#pragma warning disable CA1031 // The device's loop never ends on a fault of its own: the next tick polls again.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        if (_rateLimited.ShouldLog($"{DeviceId}/unexpected", out var hidden))
                        {
                            Log.Unexpected(_logger, ex, DeviceId, hidden);
                        }
                    }

                    group.NextDue = PollGrid.Next(group.NextDue, _time.GetTimestamp(), group.IntervalTicks);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task PollAsync(GroupSchedule schedule, CommLossTracker tracker, CancellationToken stoppingToken)
    {
        var group = schedule.Group;
        var started = _time.GetTimestamp();
        var readings = new List<Reading>(group.Points.Count);
        Exception? failure = null;
        try
        {
            for (var i = 0; i < schedule.Blocks.Count; i++)
            {
                var block = schedule.Blocks[i];
                try
                {
                    await ReadBlockAsync(block, readings, stoppingToken);
                }
                catch (ModbusException ex) when (!IsGatewayFailure(ex))
                {
                    // The device answered, so communication is fine; the register map is not.
                    if (ex.ExceptionCode == ModbusExceptionCode.IllegalDataAddress && block.HasGaps)
                    {
                        // Some devices refuse reads that span unmapped addresses: read only the addresses in use.
                        var split = ModbusBlockPlanner.SplitAtGaps(block);
                        schedule.Blocks.RemoveAt(i);
                        schedule.Blocks.InsertRange(i, split);
                        Log.BlockSplit(_logger, DeviceId, block.Table, block.Start, block.End - 1, split.Count);
                        i--;
                        continue;
                    }

                    var error = $"{Describe(block)} refused: {ex.Message}";
                    _state.Refused(error);
                    if (_rateLimited.ShouldLog($"{DeviceId}/refused", out var suppressed))
                    {
                        Log.ReadRefused(_logger, DeviceId, _config.Endpoint, Describe(block), ex.ExceptionCode, suppressed);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A poll never throws: whatever went wrong is this device's failed poll.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            failure = ex;
        }

        _metrics.Poll(DeviceId, group.Name, _time.GetElapsedTime(started), failure is not null);
        if (readings.Count > 0)
        {
            await DeliverAsync(readings, stoppingToken);
        }

        var at = _time.GetUtcNow();
        if (failure is null)
        {
            _state.PollSucceeded(at);
            if (tracker.Success(at) == CommTransition.Restored)
            {
                _state.SetCommLoss(false, at);
                ReportStatus(online: true, at);
                if (_rateLimited.ShouldLog($"{DeviceId}/restored", out var suppressed))
                {
                    Log.CommRestored(_logger, DeviceId, _config.Endpoint, suppressed);
                }
            }

            return;
        }

        var timeout = IsTimeout(failure);
        var reason = Reason(failure);

        // While the circuit is open the last real cause (timeout, refused connection) stays the one shown.
        _state.PollFailed(failure is BrokenCircuitException ? null : reason, timeout);
        if (tracker.Failure(at) == CommTransition.Lost)
        {
            _state.SetCommLoss(true, at);
            _metrics.CommLoss(DeviceId);
            ReportStatus(online: false, at);
            if (_rateLimited.ShouldLog($"{DeviceId}/lost", out var suppressed))
            {
                Log.CommLost(_logger, DeviceId, _config.Endpoint, _state.Snapshot().ConsecutiveFailures, reason, suppressed);
            }
        }
        else if (!tracker.InCommLoss && _rateLimited.ShouldLog($"{DeviceId}/poll", out var suppressed))
        {
            Log.PollFailed(_logger, DeviceId, _config.Endpoint, group.Name, reason, suppressed);
        }

        if (failure is not (ModbusException or IOException or TimeoutException or TimeoutRejectedException or BrokenCircuitException or SocketException or ObjectDisposedException or OperationCanceledException)
            && _rateLimited.ShouldLog($"{DeviceId}/unexpected", out var hidden))
        {
            Log.Unexpected(_logger, failure, DeviceId, hidden);
        }
    }

    private async Task ReadBlockAsync(ModbusReadBlock block, List<Reading> readings, CancellationToken stoppingToken)
    {
        if (block.IsBits)
        {
            var bits = await ExchangeAsync(
                (client, unit, ct) => block.Table == ModbusTable.Coils
                    ? client.ReadCoilsAsync(unit, block.Start, (ushort)block.Count, ct)
                    : client.ReadDiscreteInputsAsync(unit, block.Start, (ushort)block.Count, ct),
                stoppingToken);
            var at = _time.GetUtcNow();
            foreach (var point in block.Points)
            {
                Accept(point, bits[point.Address - block.Start] ? 1 : 0, at, readings);
            }

            return;
        }

        var registers = await ExchangeAsync(
            (client, unit, ct) => block.Table == ModbusTable.HoldingRegisters
                ? client.ReadHoldingRegistersAsync(unit, block.Start, (ushort)block.Count, ct)
                : client.ReadInputRegistersAsync(unit, block.Start, (ushort)block.Count, ct),
            stoppingToken);
        var received = _time.GetUtcNow();
        foreach (var point in block.Points)
        {
            double value;
            try
            {
                value = point.Format.Decode(registers.AsSpan(point.Address - block.Start, point.Width));
            }
#pragma warning disable CA1031 // One value that cannot be decoded rejects only that value.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Reject(point, "DecodeFailed", ex.Message);
                continue;
            }

            Accept(point, value, received, readings);
        }
    }

    /// <summary>One exchange with the device through the resilience pipeline (retries, circuit breaker, attempt timeout).</summary>
    private async Task<T> ExchangeAsync<T>(Func<ModbusTcpClient, byte, CancellationToken, Task<T>> exchange, CancellationToken stoppingToken) =>
        await _pipeline.ExecuteAsync(
            async token =>
            {
                try
                {
                    return await _connection.ExecuteAsync(exchange, token);
                }
                catch (ModbusTimeoutException)
                {
                    _metrics.Timeout(DeviceId);
                    throw;
                }
            },
            stoppingToken);

    private void Accept(ModbusPoint point, double value, DateTimeOffset at, List<Reading> readings)
    {
        if (!double.IsFinite(value))
        {
            Reject(point, "NonFiniteValue", $"decoded {value.ToString(CultureInfo.InvariantCulture)}");
            return;
        }

        if (!_config.Device.TryGetChannel(point.Name, out var channel))
        {
            return;
        }

        if (!channel.IsInPhysicalRange(value))
        {
            Reject(point, "OutOfPhysicalRange", string.Create(CultureInfo.InvariantCulture, $"{value} outside {channel.Min}..{channel.Max} {channel.Unit}"));
            return;
        }

        readings.Add(new Reading(DeviceId, point.Name, value, at, null));
    }

    private void Reject(ModbusPoint point, string reason, string detail)
    {
        _state.ValueRejected();
        _metrics.Rejected(DeviceId, reason);
        if (_rateLimited.ShouldLog($"{DeviceId}/value", out var suppressed))
        {
            Log.ValueRejected(_logger, DeviceId, point.Name, reason, detail, suppressed);
        }
    }

    private async Task DeliverAsync(List<Reading> readings, CancellationToken stoppingToken)
    {
        try
        {
            var durable = await _sink.AcceptAsync(new TelemetryBatch(DeviceId, readings, _time.GetUtcNow()), stoppingToken);
            _state.Delivered(readings.Count);
            _metrics.Readings(DeviceId, readings.Count);
            if (!durable.IsCompletedSuccessfully)
            {
                // Nothing to acknowledge over Modbus; only make sure a failure to persist is seen.
                _ = durable.ContinueWith(
                    static (t, s) => ((DevicePoller)s!).NotDurable(t.Exception),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A sink failure loses this batch only; the next poll carries on.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_rateLimited.ShouldLog($"{DeviceId}/sink", out var suppressed))
            {
                Log.SinkFailed(_logger, DeviceId, ex.Message, suppressed);
            }
        }
    }

    private void ReportStatus(bool online, DateTimeOffset at)
    {
        try
        {
            _sink.DeviceStatusChanged(DeviceId, online, at);
        }
#pragma warning disable CA1031 // A failing sink must not stop this device's polling.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_rateLimited.ShouldLog($"{DeviceId}/sink", out var suppressed))
            {
                Log.SinkFailed(_logger, DeviceId, ex.Message, suppressed);
            }
        }
    }

    private void NotDurable(AggregateException? exception)
    {
        if (_rateLimited.ShouldLog($"{DeviceId}/durable", out var suppressed))
        {
            Log.NotDurable(_logger, DeviceId, exception?.InnerException?.Message ?? "unknown", suppressed);
        }
    }

    private ResiliencePipeline BuildPipeline()
    {
        var transient = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = _time };
        if (_options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = _options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = transient,
            FailureRatio = _options.BreakerFailureRatio,
            MinimumThroughput = _options.BreakerMinimumThroughput,
            SamplingDuration = _options.BreakerSamplingDuration,
            BreakDuration = _options.BreakDuration,
            OnOpened = _ =>
            {
                _state.SetCircuitOpen(true);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                _state.SetCircuitOpen(false);
                return ValueTask.CompletedTask;
            },
        });

        // One attempt: connect when needed, then one request. The client times the request itself (from the moment it
        // is sent); this bounds the whole attempt, including a wait for a free request slot.
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = _options.ConnectTimeout + _options.RequestTimeout,
            OnTimeout = _ =>
            {
                _metrics.Timeout(DeviceId);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    /// <summary>Worth another attempt: no answer, or a gateway saying the device behind it did not answer.</summary>
    private static bool IsTransient(Exception ex)
    {
        return ex switch
        {
            ModbusException m => IsGatewayFailure(m) || m.ExceptionCode == ModbusExceptionCode.ServerDeviceBusy,
            OperationCanceledException => false,
            _ => ex is TimeoutException or TimeoutRejectedException or IOException or SocketException or ObjectDisposedException,
        };
    }

    private static bool IsGatewayFailure(ModbusException ex) =>
        ex.ExceptionCode is ModbusExceptionCode.GatewayPathUnavailable or ModbusExceptionCode.GatewayTargetFailedToRespond;

    private static bool IsTimeout(Exception ex) => ex is TimeoutException or TimeoutRejectedException;

    private static string Reason(Exception ex) => ex switch
    {
        BrokenCircuitException => "circuit open after repeated failures (reads fail at once until the break ends)",
        TimeoutRejectedException => "no answer within the attempt timeout",
        _ => ex.Message,
    };

    private static string Describe(ModbusReadBlock block) =>
        $"{block.Table} {block.Start}..{block.End - 1}";

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class GroupSchedule(ModbusPollGroup group, List<ModbusReadBlock> blocks, long intervalTicks)
    {
        public ModbusPollGroup Group { get; } = group;

        public List<ModbusReadBlock> Blocks { get; } = blocks;

        public long IntervalTicks { get; } = intervalTicks;

        public long NextDue { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Warning, Message = "Modbus device {DeviceId} at {Endpoint}: communication lost after {Failures} failed polls ({Reason}); reported offline. {Suppressed} more losses since the last report")]
        public static partial void CommLost(ILogger logger, string deviceId, string endpoint, int failures, string reason, long suppressed);

        [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Modbus device {DeviceId} at {Endpoint}: communication restored; reported online. {Suppressed} more recoveries since the last report")]
        public static partial void CommRestored(ILogger logger, string deviceId, string endpoint, long suppressed);

        [LoggerMessage(EventId = 602, Level = LogLevel.Debug, Message = "Modbus device {DeviceId} at {Endpoint}: poll of group {Group} failed: {Reason} ({Suppressed} more since the last report)")]
        public static partial void PollFailed(ILogger logger, string deviceId, string endpoint, string group, string reason, long suppressed);

        [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Modbus device {DeviceId} at {Endpoint} refused to read {Block}: {Code}; check its register map ({Suppressed} more since the last report)")]
        public static partial void ReadRefused(ILogger logger, string deviceId, string endpoint, string block, ModbusExceptionCode code, long suppressed);

        [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Modbus device {DeviceId}: value of {Channel} rejected: {Reason} ({Detail}); {Suppressed} more rejects of this device since the last report")]
        public static partial void ValueRejected(ILogger logger, string deviceId, string channel, string reason, string detail, long suppressed);

        [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Modbus device {DeviceId} refused {Table} {Start}..{Last}, which spans unused addresses: reading it as {Count} requests from now on")]
        public static partial void BlockSplit(ILogger logger, string deviceId, ModbusTable table, ushort start, int last, int count);

        [LoggerMessage(EventId = 606, Level = LogLevel.Error, Message = "Modbus device {DeviceId}: the pipeline refused a batch or a status change: {Error} ({Suppressed} more since the last report)")]
        public static partial void SinkFailed(ILogger logger, string deviceId, string error, long suppressed);

        [LoggerMessage(EventId = 607, Level = LogLevel.Error, Message = "Modbus device {DeviceId}: a batch was not made durable: {Error} ({Suppressed} more since the last report)")]
        public static partial void NotDurable(ILogger logger, string deviceId, string error, long suppressed);

        [LoggerMessage(EventId = 608, Level = LogLevel.Error, Message = "Modbus device {DeviceId}: unexpected failure while polling ({Suppressed} more since the last report)")]
        public static partial void Unexpected(ILogger logger, Exception exception, string deviceId, long suppressed);
    }
}
