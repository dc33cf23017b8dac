using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Modbus;

/// <summary>
/// A Modbus TCP client (master) on one TCP connection to one server (a device or a gateway).
/// </summary>
/// <remarks>
/// <para>
/// Requests are pipelined: up to <see cref="ModbusTcpClientOptions.MaxInFlight"/> are on the wire at once, each with
/// its own transaction identifier, and responses are matched by it in whatever order they come. Further calls wait
/// for a free slot. Each request times out on its own after <see cref="ModbusTcpClientOptions.RequestTimeout"/>.
/// A response with an unknown transaction identifier (for example a late answer to a request that timed out) is
/// logged and discarded.
/// </para>
/// <para>
/// The client does not reconnect. When the connection is lost (closed by the server, a socket error, or a malformed
/// frame from the server, after which the stream cannot be trusted), every pending and later request fails with
/// <see cref="ModbusConnectionException"/> and <see cref="IsConnected"/> turns false: dispose the client and connect a
/// new one. Retries and circuit breaking are the caller's business; the exceptions say what happened:
/// </para>
/// <list type="bullet">
/// <item><see cref="ModbusException"/>: the device answered with an exception code.</item>
/// <item><see cref="ModbusTimeoutException"/>: no answer in time; the connection carries on.</item>
/// <item><see cref="ModbusConnectionException"/>: the connection could not be made or is lost.</item>
/// <item><see cref="ModbusProtocolException"/>: the answer does not fit the request (unit, function, byte count or echo).</item>
/// </list>
/// <para>Addresses are PDU addresses, starting at 0 (register "40001" is holding register 0).</para>
/// </remarks>
public sealed partial class ModbusTcpClient : IAsyncDisposable
{
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly string _endpoint;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Channel<PendingRequest> _outgoing = Channel.CreateUnbounded<PendingRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _lock = new();
    private readonly Dictionary<ushort, PendingRequest> _pending = [];
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private ushort _lastTransactionId;
    private Failure? _failure;
    private int _disposed;

    private ModbusTcpClient(Socket socket, string endpoint, ModbusTcpClientOptions options, TimeProvider time, ILogger logger)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _endpoint = endpoint;
        _requestTimeout = options.RequestTimeout;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxInFlight, options.MaxInFlight);
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    /// <summary>Whether the connection is still usable (not lost, not disposed).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_lock)
            {
                return _failure is null;
            }
        }
    }

    /// <summary>Connects to a Modbus TCP server.</summary>
    /// <param name="host">Host name or IP address.</param>
    /// <param name="port">TCP port, usually 502.</param>
    /// <param name="options">Timeouts and pipelining; defaults when null.</param>
    /// <param name="timeProvider">Clock for the timeouts; the system clock when null.</param>
    /// <param name="logger">Logger; none when null.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <exception cref="ModbusConnectionException">The connection was refused or the host is unreachable.</exception>
    /// <exception cref="ModbusTimeoutException">The connection was not made within <see cref="ModbusTcpClientOptions.ConnectTimeout"/>.</exception>
    public static async Task<ModbusTcpClient> ConnectAsync(
        string host,
        int port,
        ModbusTcpClientOptions? options = null,
        TimeProvider? timeProvider = null,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        options ??= new ModbusTcpClientOptions();
        options.Validate();
        timeProvider ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var endpoint = $"{host}:{port}";

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                await socket.ConnectAsync(host, port, linked.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new ModbusTimeoutException($"connecting to {endpoint} timed out after {options.ConnectTimeout.TotalMilliseconds:F0} ms");
            }
            catch (SocketException ex)
            {
                throw new ModbusConnectionException($"cannot connect to {endpoint}: {ex.Message}", ex);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Log.Connected(logger, endpoint);
        return new ModbusTcpClient(socket, endpoint, options, timeProvider, logger);
    }

    /// <summary>Function 1: reads <paramref name="count"/> (1 to 2000) coils from <paramref name="address"/>.</summary>
    public Task<bool[]> ReadCoilsAsync(byte unitId, ushort address, ushort count, CancellationToken cancellationToken = default) =>
        ReadBitsAsync(unitId, ModbusFunctionCode.ReadCoils, address, count, cancellationToken);

    /// <summary>Function 2: reads <paramref name="count"/> (1 to 2000) discrete inputs from <paramref name="address"/>.</summary>
    public Task<bool[]> ReadDiscreteInputsAsync(byte unitId, ushort address, ushort count, CancellationToken cancellationToken = default) =>
        ReadBitsAsync(unitId, ModbusFunctionCode.ReadDiscreteInputs, address, count, cancellationToken);

    /// <summary>Function 3: reads <paramref name="count"/> (1 to 125) holding registers from <paramref name="address"/>.</summary>
    public Task<ushort[]> ReadHoldingRegistersAsync(byte unitId, ushort address, ushort count, CancellationToken cancellationToken = default) =>
        ReadRegistersAsync(unitId, ModbusFunctionCode.ReadHoldingRegisters, address, count, cancellationToken);

    /// <summary>Function 4: reads <paramref name="count"/> (1 to 125) input registers from <paramref name="address"/>.</summary>
    public Task<ushort[]> ReadInputRegistersAsync(byte unitId, ushort address, ushort count, CancellationToken cancellationToken = default) =>
        ReadRegistersAsync(unitId, ModbusFunctionCode.ReadInputRegisters, address, count, cancellationToken);

    /// <summary>Function 5: switches the coil at <paramref name="address"/> on or off.</summary>
    public async Task WriteSingleCoilAsync(byte unitId, ushort address, bool value, CancellationToken cancellationToken = default)
    {
        const ModbusFunctionCode function = ModbusFunctionCode.WriteSingleCoil;
        var frame = NewFrame();
        var length = ModbusPdu.EncodeWriteSingleCoilRequest(frame.AsSpan(MbapHeader.Size), address, value);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        CheckEcho(function, pdu, address, value ? ModbusPdu.CoilOn : ModbusPdu.CoilOff, "value");
    }

    /// <summary>Function 6: writes one holding register.</summary>
    public async Task WriteSingleRegisterAsync(byte unitId, ushort address, ushort value, CancellationToken cancellationToken = default)
    {
        const ModbusFunctionCode function = ModbusFunctionCode.WriteSingleRegister;
        var frame = NewFrame();
        var length = ModbusPdu.EncodeWriteSingleRegisterRequest(frame.AsSpan(MbapHeader.Size), address, value);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        CheckEcho(function, pdu, address, value, "value");
    }

    /// <summary>Function 15: writes 1 to 1968 coils from <paramref name="address"/>.</summary>
    public async Task WriteMultipleCoilsAsync(byte unitId, ushort address, ReadOnlyMemory<bool> values, CancellationToken cancellationToken = default)
    {
        const ModbusFunctionCode function = ModbusFunctionCode.WriteMultipleCoils;
        var frame = NewFrame();
        var length = ModbusPdu.EncodeWriteMultipleCoilsRequest(frame.AsSpan(MbapHeader.Size), address, values.Span);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        CheckEcho(function, pdu, address, (ushort)values.Length, "quantity");
    }

    /// <summary>Function 16: writes 1 to 123 holding registers from <paramref name="address"/>.</summary>
    public async Task WriteMultipleRegistersAsync(byte unitId, ushort address, ReadOnlyMemory<ushort> values, CancellationToken cancellationToken = default)
    {
        const ModbusFunctionCode function = ModbusFunctionCode.WriteMultipleRegisters;
        var frame = NewFrame();
        var length = ModbusPdu.EncodeWriteMultipleRegistersRequest(frame.AsSpan(MbapHeader.Size), address, values.Span);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        CheckEcho(function, pdu, address, (ushort)values.Length, "quantity");
    }

    /// <summary>
    /// Function 23: writes 1 to 121 holding registers at <paramref name="writeAddress"/>, then reads
    /// <paramref name="readCount"/> (1 to 125) from <paramref name="readAddress"/>, in one transaction.
    /// </summary>
    public async Task<ushort[]> ReadWriteMultipleRegistersAsync(
        byte unitId,
        ushort readAddress,
        ushort readCount,
        ushort writeAddress,
        ReadOnlyMemory<ushort> values,
        CancellationToken cancellationToken = default)
    {
        const ModbusFunctionCode function = ModbusFunctionCode.ReadWriteMultipleRegisters;
        var frame = NewFrame();
        var length = ModbusPdu.EncodeReadWriteMultipleRegistersRequest(
            frame.AsSpan(MbapHeader.Size), readAddress, readCount, writeAddress, values.Span);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        var registers = new ushort[readCount];
        ModbusPdu.DecodeReadRegistersResponse(pdu, function, registers);
        return registers;
    }

    /// <summary>
    /// Closes the connection. Requests still pending fail with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Close(new Failure("the client was disposed", null, Disposed: true));
        await Task.WhenAll(_receiving, _sending);
        await _stream.DisposeAsync();
        _closing.Dispose();
    }

    private static byte[] NewFrame() => new byte[ModbusLimits.MaxAduLength];

    private async Task<bool[]> ReadBitsAsync(
        byte unitId, ModbusFunctionCode function, ushort address, ushort count, CancellationToken cancellationToken)
    {
        var frame = NewFrame();
        var length = ModbusPdu.EncodeReadRequest(frame.AsSpan(MbapHeader.Size), function, address, count);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        var bits = new bool[count];
        ModbusPdu.DecodeReadBitsResponse(pdu, function, bits);
        return bits;
    }

    private async Task<ushort[]> ReadRegistersAsync(
        byte unitId, ModbusFunctionCode function, ushort address, ushort count, CancellationToken cancellationToken)
    {
        var frame = NewFrame();
        var length = ModbusPdu.EncodeReadRequest(frame.AsSpan(MbapHeader.Size), function, address, count);
        var pdu = await TransactAsync(unitId, function, frame, length, cancellationToken);
        var registers = new ushort[count];
        ModbusPdu.DecodeReadRegistersResponse(pdu, function, registers);
        return registers;
    }

    private static void CheckEcho(ModbusFunctionCode function, byte[] pdu, ushort address, ushort value, string valueName)
    {
        var echo = ModbusPdu.DecodeWriteResponse(pdu, function);
        if (echo.Address != address || echo.Value != value)
        {
            throw new ModbusProtocolException(
                $"{function.Describe()} response echoes address {echo.Address} and {valueName} {echo.Value}, the request had {address} and {value}");
        }
    }

    /// <summary>
    /// Sends a request whose PDU (<paramref name="pduLength"/> bytes) is already in <paramref name="frame"/> after
    /// the header, and returns the response PDU once it is known to answer this request from this unit.
    /// </summary>
    private async Task<byte[]> TransactAsync(
        byte unitId, ModbusFunctionCode function, byte[] frame, int pduLength, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        await _slots.WaitAsync(cancellationToken);
        var request = new PendingRequest(unitId, function, frame.AsMemory(0, MbapHeader.Size + pduLength));
        try
        {
            Enqueue(request);
            using (cancellationToken.UnsafeRegister(static (state, token) => ((PendingRequest)state!).TrySetCanceled(token), request))
            {
                var response = await request.Task;
                return CheckResponse(request, response);
            }
        }
        finally
        {
            Forget(request);
            _slots.Release();
        }
    }

    private void Enqueue(PendingRequest request)
    {
        lock (_lock)
        {
            ThrowIfClosedLocked();
            do
            {
                _lastTransactionId++;
            }
            while (_pending.ContainsKey(_lastTransactionId));

            request.TransactionId = _lastTransactionId;
            _pending.Add(request.TransactionId, request);
        }

        new MbapHeader(request.TransactionId, request.UnitId, request.Frame.Length - MbapHeader.Size).Encode(request.Frame.Span);
        request.Timer = _time.CreateTimer(_ => OnTimeout(request), null, _requestTimeout, Timeout.InfiniteTimeSpan);

        // Fails only when the connection closed meanwhile, and then Close has failed the request already.
        _outgoing.Writer.TryWrite(request);
    }

    private void OnTimeout(PendingRequest request)
    {
        var message = $"no response from unit {request.UnitId} at {_endpoint} to {request.Function.Describe()} " +
            $"(transaction {request.TransactionId}) within {_requestTimeout.TotalMilliseconds:F0} ms";
        if (request.TrySetException(new ModbusTimeoutException(message)))
        {
            Log.RequestTimedOut(_logger, _endpoint, request.UnitId, request.Function, request.TransactionId);
        }
    }

    private void Forget(PendingRequest request)
    {
        request.Timer?.Dispose();
        lock (_lock)
        {
            if (_pending.TryGetValue(request.TransactionId, out var current) && current == request)
            {
                _pending.Remove(request.TransactionId);
            }
        }
    }

    private static byte[] CheckResponse(PendingRequest request, Response response)
    {
        if (response.UnitId != request.UnitId)
        {
            throw new ModbusProtocolException(
                $"response to transaction {request.TransactionId} comes from unit {response.UnitId}, the request went to unit {request.UnitId}");
        }

        if (ModbusPdu.TryDecodeException(response.Pdu, out var function, out var code))
        {
            if (function != request.Function)
            {
                throw new ModbusProtocolException(
                    $"exception response for {function.Describe()} to a {request.Function.Describe()} request (transaction {request.TransactionId})");
            }

            throw new ModbusException(code, function, response.UnitId);
        }

        return response.Pdu;
    }

    private async Task ReceiveAsync()
    {
        var frame = new byte[ModbusLimits.MaxAduLength];
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                while (ModbusAdu.TryReadFrame(ref buffer, frame, out var length))
                {
                    Dispatch(frame.AsSpan(0, length));
                }

                var partial = buffer.Length;
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    Close(new Failure(
                        partial == 0
                            ? "the server closed the connection"
                            : $"the server closed the connection in the middle of a frame ({partial} bytes received)",
                        null,
                        Disposed: false));
                    return;
                }
            }
        }
        catch (ModbusProtocolException ex)
        {
            Close(new Failure($"the server sent a malformed frame: {ex.Message}", ex, Disposed: false));
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Whatever broke the connection, the pending requests must learn of it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Close(new Failure($"receiving failed: {ex.Message}", ex, Disposed: false));
        }
        finally
        {
            await _input.CompleteAsync();
        }
    }

    private void Dispatch(ReadOnlySpan<byte> frame)
    {
        var pdu = ModbusAdu.Decode(frame, out var header);
        PendingRequest? request;
        lock (_lock)
        {
            _pending.Remove(header.TransactionId, out request);
        }

        if (request is null)
        {
            Log.UnknownTransaction(_logger, _endpoint, header.TransactionId, header.UnitId);
        }
        else if (!request.TrySetResult(new Response(header.UnitId, pdu.ToArray())))
        {
            Log.LateResponse(_logger, _endpoint, header.TransactionId);
        }
    }

    private async Task SendAsync()
    {
        var batch = new ArrayBufferWriter<byte>(4 * ModbusLimits.MaxAduLength);
        try
        {
            var reader = _outgoing.Reader;
            while (await reader.WaitToReadAsync(_closing.Token))
            {
                // Everything queued meanwhile goes out in one write.
                while (reader.TryRead(out var request))
                {
                    if (!request.Task.IsCompleted)
                    {
                        batch.Write(request.Frame.Span);
                    }
                }

                if (batch.WrittenCount > 0)
                {
                    await _stream.WriteAsync(batch.WrittenMemory, _closing.Token);
                    batch.ResetWrittenCount();
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Whatever broke the connection, the pending requests must learn of it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Close(new Failure($"sending failed: {ex.Message}", ex, Disposed: false));
        }
    }

    /// <summary>Marks the connection unusable (first reason wins), fails every pending request and closes the socket.</summary>
    private void Close(Failure failure)
    {
        PendingRequest[] pending;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = failure;
            pending = [.. _pending.Values];
            _pending.Clear();
        }

        if (!failure.Disposed)
        {
            Log.ConnectionLost(_logger, _endpoint, failure.Reason);
        }

        _outgoing.Writer.TryComplete();
        foreach (var request in pending)
        {
            request.TrySetException(failure.ToException(_endpoint));
        }

        _closing.Cancel();
        _stream.Socket.Dispose();
    }

    private void ThrowIfClosed()
    {
        lock (_lock)
        {
            ThrowIfClosedLocked();
        }
    }

    private void ThrowIfClosedLocked()
    {
        if (_failure is not null)
        {
            throw _failure.ToException(_endpoint);
        }
    }

    private sealed record Failure(string Reason, Exception? Cause, bool Disposed)
    {
        public Exception ToException(string endpoint)
        {
            if (Disposed)
            {
                return new ObjectDisposedException(nameof(ModbusTcpClient), $"the Modbus client for {endpoint} was disposed");
            }

            var message = $"connection to {endpoint} lost: {Reason}";
            return Cause is null ? new ModbusConnectionException(message) : new ModbusConnectionException(message, Cause);
        }
    }

    private readonly record struct Response(byte UnitId, byte[] Pdu);

    private sealed class PendingRequest(byte unitId, ModbusFunctionCode function, Memory<byte> frame)
    {
        private readonly TaskCompletionSource<Response> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte UnitId { get; } = unitId;

        public ModbusFunctionCode Function { get; } = function;

        public Memory<byte> Frame { get; } = frame;

        public ushort TransactionId { get; set; }

        public ITimer? Timer { get; set; }

        public Task<Response> Task => _completion.Task;

        public bool TrySetResult(Response response) => _completion.TrySetResult(response);

        public bool TrySetException(Exception exception) => _completion.TrySetException(exception);

        public bool TrySetCanceled(CancellationToken token) => _completion.TrySetCanceled(token);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Connected to Modbus server {Endpoint}")]
        public static partial void Connected(ILogger logger, string endpoint);

        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Connection to Modbus server {Endpoint} lost: {Reason}")]
        public static partial void ConnectionLost(ILogger logger, string endpoint, string reason);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Modbus server {Endpoint} sent a response with unknown transaction id {TransactionId} (unit {UnitId}); discarded")]
        public static partial void UnknownTransaction(ILogger logger, string endpoint, ushort transactionId, byte unitId);

        [LoggerMessage(EventId = 503, Level = LogLevel.Debug, Message = "Modbus server {Endpoint} answered transaction {TransactionId} after it timed out or was canceled; discarded")]
        public static partial void LateResponse(ILogger logger, string endpoint, ushort transactionId);

        [LoggerMessage(EventId = 504, Level = LogLevel.Debug, Message = "Modbus server {Endpoint}: request {Function} to unit {UnitId} (transaction {TransactionId}) timed out")]
        public static partial void RequestTimedOut(ILogger logger, string endpoint, byte unitId, ModbusFunctionCode function, ushort transactionId);
    }
}
