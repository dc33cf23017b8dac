using System.Globalization;
using System.Net.Sockets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// <see cref="IModbusCommander"/> over the devices of the <see cref="ModbusPollPlan"/>: one write request (function 5
/// for a coil, 6 or 16 for registers), then read-backs of the feedback point every
/// <see cref="ModbusOptions.CommandReadBackInterval"/> until it matches or <see cref="ModbusOptions.CommandReadBackTimeout"/>
/// passes. The connection is the poller's (<see cref="ModbusPollerState.Connection"/>). A write is never retried:
/// a Failed command is the caller's to repeat.
/// </summary>
internal sealed partial class ModbusCommander : IModbusCommander, IAsyncDisposable
{
    private readonly Dictionary<string, ModbusDeviceConfig> _devices;
    private readonly ModbusPollerState _state;
    private readonly ModbusOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ModbusCommander(ModbusPollPlan plan, ModbusPollerState state, IOptions<ModbusOptions> options, TimeProvider time, ILogger<ModbusCommander> logger)
    {
        _devices = plan.Devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        _state = state;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public bool IsPolled(string deviceId) => _devices.ContainsKey(deviceId);

    public async Task<CommandWriteResult> WriteAsync(string deviceId, string channel, double value, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(channel);
        if (!_devices.TryGetValue(deviceId, out var config))
        {
            throw new ArgumentException($"device '{deviceId}' is not polled over Modbus (not under devices: in modbus.yaml)", nameof(deviceId));
        }

        var point = Resolve(config, channel);
        var registers = Encode(config, point, value);
        var feedback = FeedbackPoint(config, point);
        var expected = point.IsBit || point.Format.DataType == ModbusDataType.Bool ? (value != 0 ? 1 : 0) : value;
        var connection = _state.Connection(config, _options, _time);

        // The write: one attempt, bounded by connect + request time.
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.ConnectTimeout + _options.RequestTimeout);
            await connection.ExecuteAsync(
                async (client, unit, ct) =>
                {
                    if (point.Table == ModbusTable.Coils)
                    {
                        await client.WriteSingleCoilAsync(unit, point.Address, value != 0, ct);
                    }
                    else if (registers.Length == 1)
                    {
                        await client.WriteSingleRegisterAsync(unit, point.Address, registers[0], ct);
                    }
                    else
                    {
                        await client.WriteMultipleRegistersAsync(unit, point.Address, registers, ct);
                    }

                    return true;
                },
                attempt.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Every failure of the write is the command's result, never an exception to the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var reason = WriteFailure(ex, point);
            Log.WriteFailed(_logger, deviceId, config.Endpoint, channel, reason);
            return new CommandWriteResult(CommandWriteOutcome.Failed, reason);
        }

        // The read-back: right after the write, then every interval until the deadline.
        var started = _time.GetTimestamp();
        double? last = null;
        string? readError = null;
        while (true)
        {
            try
            {
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                attempt.CancelAfter(_options.ConnectTimeout + _options.RequestTimeout);
                last = await ReadAsync(connection, feedback, attempt.Token);
                readError = null;
                if (Matches(feedback, last.Value, expected))
                {
                    var elapsed = _time.GetElapsedTime(started);
                    var detail = string.Create(CultureInfo.InvariantCulture, $"{feedback.Name} read {Format(last.Value)} {elapsed.TotalMilliseconds:F0} ms after the write");
                    var written = Format(value);
                    Log.Confirmed(_logger, deviceId, channel, written, detail);
                    return new CommandWriteResult(CommandWriteOutcome.Confirmed, detail, last);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A failed read-back is retried until the deadline, then reported.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                readError = ex is OperationCanceledException ? "no answer" : ex.Message;
            }

            var remaining = _options.CommandReadBackTimeout - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                break;
            }

            await Task.Delay(remaining < _options.CommandReadBackInterval ? remaining : _options.CommandReadBackInterval, _time, cancellationToken);
        }

        var timeout = _options.CommandReadBackTimeout.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        var why = last is { } read
            ? $"written, but {feedback.Name} still read {Format(read)} {timeout} s after the write (expected {Format(expected)})"
            : $"written, but {feedback.Name} could not be read back within {timeout} s: {readError}";
        if (readError is not null && last is not null)
        {
            why += $"; last read-back failed: {readError}";
        }

        Log.NotConfirmed(_logger, deviceId, config.Endpoint, channel, why);
        return new CommandWriteResult(CommandWriteOutcome.NotConfirmed, why, last);
    }

    public ValueTask DisposeAsync() => _state.DisposeConnectionsAsync();

    /// <summary>The writable point <paramref name="channel"/> of the device's profile.</summary>
    internal static ModbusPoint Resolve(ModbusDeviceConfig config, string channel)
    {
        var writable = config.Profile.Writable.FirstOrDefault(p => string.Equals(p.Name, channel, StringComparison.Ordinal));
        if (writable is not null)
        {
            return writable;
        }

        var names = string.Join(", ", config.Profile.Writable.Select(p => p.Name));
        var polled = config.Groups.SelectMany(g => g.Points).Any(p => string.Equals(p.Name, channel, StringComparison.Ordinal));
        throw new ArgumentException(
            polled
                ? $"channel '{channel}' of device '{config.DeviceId}' is not writable (writable: {(names.Length == 0 ? "none" : names)})"
                : $"device '{config.DeviceId}' (model {config.Profile.Model}) has no channel '{channel}' (writable: {(names.Length == 0 ? "none" : names)})",
            nameof(channel));
    }

    private static ushort[] Encode(ModbusDeviceConfig config, ModbusPoint point, double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"value for {point.Name} of '{config.DeviceId}' must be finite", nameof(value));
        }

        if ((point.IsBit || point.Format.DataType == ModbusDataType.Bool) && value is not (0 or 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{point.Name} of '{config.DeviceId}' is a bit: value must be true/false (1/0), got {value}"), nameof(value));
        }

        if (point.IsBit)
        {
            return [];
        }

        var registers = new ushort[point.Width];
        try
        {
            point.Format.Encode(value, registers);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException($"{point.Name} of '{config.DeviceId}' cannot hold {Format(value)}: {ex.Message.Split(Environment.NewLine)[0]}", nameof(value), ex);
        }

        return registers;
    }

    /// <summary>The polled point named by <c>feedback</c>; without one, the written point itself.</summary>
    private static ModbusPoint FeedbackPoint(ModbusDeviceConfig config, ModbusPoint point)
    {
        if (point.Feedback is { } name)
        {
            var found = config.Profile.Groups.SelectMany(g => g.Points).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }
        }

        return point;
    }

    private static async Task<double> ReadAsync(ModbusDeviceConnection connection, ModbusPoint point, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(
            async (client, unit, ct) =>
            {
                switch (point.Table)
                {
                    case ModbusTable.Coils:
                        return (await client.ReadCoilsAsync(unit, point.Address, 1, ct))[0] ? 1d : 0d;
                    case ModbusTable.DiscreteInputs:
                        return (await client.ReadDiscreteInputsAsync(unit, point.Address, 1, ct))[0] ? 1d : 0d;
                    case ModbusTable.HoldingRegisters:
                        return point.Format.Decode(await client.ReadHoldingRegistersAsync(unit, point.Address, (ushort)point.Width, ct));
                    default:
                        return point.Format.Decode(await client.ReadInputRegistersAsync(unit, point.Address, (ushort)point.Width, ct));
                }
            },
            cancellationToken);

    /// <summary>A bit matches exactly; an analog feedback within one raw step (its scale) of the commanded value.</summary>
    private static bool Matches(ModbusPoint feedback, double read, double expected)
    {
        if (feedback.IsBit || feedback.Format.DataType == ModbusDataType.Bool)
        {
            return (read != 0) == (expected != 0);
        }

        var tolerance = Math.Max(Math.Abs(feedback.Format.Scale) / 2, 1e-9 * Math.Max(1, Math.Abs(expected)));
        return Math.Abs(read - expected) <= tolerance;
    }

    private string WriteFailure(Exception ex, ModbusPoint point) => ex switch
    {
        ModbusException m => $"device refused the write of {point.Name} ({point.Table} {point.Address}): exception code {(int)m.ExceptionCode} {m.ExceptionCode}",
        OperationCanceledException or TimeoutException => string.Create(CultureInfo.InvariantCulture, $"no answer to the write of {point.Name} within {(_options.ConnectTimeout + _options.RequestTimeout).TotalSeconds:F1} s"),
        IOException or SocketException or ObjectDisposedException => $"communication lost: {ex.Message}",
        _ => $"write of {point.Name} failed: {ex.Message}",
    };

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 620, Level = LogLevel.Information, Message = "Modbus command {DeviceId}.{Channel} = {Value} confirmed: {Detail}")]
        public static partial void Confirmed(ILogger logger, string deviceId, string channel, string value, string detail);

        [LoggerMessage(EventId = 621, Level = LogLevel.Warning, Message = "Modbus command to {DeviceId} at {Endpoint}: {Channel} not confirmed: {Reason}")]
        public static partial void NotConfirmed(ILogger logger, string deviceId, string endpoint, string channel, string reason);

        [LoggerMessage(EventId = 622, Level = LogLevel.Warning, Message = "Modbus command to {DeviceId} at {Endpoint}: {Channel} failed: {Reason}")]
        public static partial void WriteFailed(ILogger logger, string deviceId, string endpoint, string channel, string reason);
    }
}
