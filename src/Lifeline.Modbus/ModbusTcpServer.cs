using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Modbus;

/// <summary>
/// A Modbus TCP server (slave) serving one or more unit identifiers, each backed by an <see cref="IModbusDataStore"/>.
/// For device simulators and tests.
/// </summary>
/// <remarks>
/// <para>
/// Serves many connections at once; on each, requests may be pipelined and are answered in order. Faults are
/// answered as the Modbus Application Protocol v1.1b3 (section 7) prescribes: unsupported function →
/// <see cref="ModbusExceptionCode.IllegalFunction"/>; quantity out of range, byte count or PDU length wrong →
/// <see cref="ModbusExceptionCode.IllegalDataValue"/>; address range outside the store →
/// <see cref="ModbusExceptionCode.IllegalDataAddress"/>; unknown unit identifier →
/// <see cref="ModbusExceptionCode.GatewayTargetFailedToRespond"/> (or silence, see
/// <see cref="ModbusTcpServerOptions.IgnoreUnknownUnits"/>).
/// </para>
/// <para>
/// A frame with a bad MBAP header (protocol identifier not 0, length out of range) cannot be answered because the
/// stream can no longer be split into frames: that connection is logged and closed, the others carry on.
/// Unit identifiers are matched exactly; 0 is not treated as broadcast.
/// </para>
/// </remarks>
public sealed partial class ModbusTcpServer : IAsyncDisposable
{
    private readonly ModbusTcpServerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<byte, IModbusDataStore> _units = new();
    private readonly ConcurrentDictionary<Task, bool> _connections = new();
    private readonly Lock _lock = new();
    private Running? _running;

    /// <summary>Creates a server; it listens once started.</summary>
    public ModbusTcpServer(ModbusTcpServerOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new ModbusTcpServerOptions();
        ArgumentNullException.ThrowIfNull(_options.Address, "options.Address");
        ArgumentOutOfRangeException.ThrowIfNegative(_options.Port, "options.Port");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.Port, 65535, "options.Port");
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The address and port the server listens on (the real port when configured with 0).</summary>
    /// <exception cref="InvalidOperationException">The server is not started.</exception>
    public IPEndPoint LocalEndPoint
    {
        get
        {
            lock (_lock)
            {
                return _running?.Listener.LocalEndPoint as IPEndPoint ?? throw new InvalidOperationException("the Modbus server is not started");
            }
        }
    }

    /// <summary>Serves <paramref name="store"/> under <paramref name="unitId"/>; may be called while running.</summary>
    /// <exception cref="ArgumentException">The unit identifier is already served.</exception>
    public void AddUnit(byte unitId, IModbusDataStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!_units.TryAdd(unitId, store))
        {
            throw new ArgumentException($"unit {unitId} is already served", nameof(unitId));
        }
    }

    /// <summary>Stops serving <paramref name="unitId"/>; returns false when it was not served.</summary>
    public bool RemoveUnit(byte unitId) => _units.TryRemove(unitId, out _);

    /// <summary>Binds the socket and starts accepting connections.</summary>
    /// <exception cref="SocketException">The address or port is not available.</exception>
    /// <exception cref="InvalidOperationException">The server is already started.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_running is not null)
            {
                throw new InvalidOperationException("the Modbus server is already started");
            }

            var listener = new Socket(_options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                listener.Bind(new IPEndPoint(_options.Address, _options.Port));
                listener.Listen();
            }
            catch
            {
                listener.Dispose();
                throw;
            }

            var stopping = new CancellationTokenSource();
            _running = new Running(listener, stopping, AcceptAsync(listener, stopping.Token));
            Log.Listening(_logger, listener.LocalEndPoint!);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops listening, closes every connection and waits for them to finish. The server may be started again.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Running? running;
        lock (_lock)
        {
            running = _running;
            _running = null;
        }

        if (running is null)
        {
            return;
        }

        await running.Stopping.CancelAsync();
        running.Listener.Dispose();
        await running.Accepting.WaitAsync(cancellationToken);
        await Task.WhenAll(_connections.Keys).WaitAsync(cancellationToken);
        running.Stopping.Dispose();
        Log.Stopped(_logger);
    }

    /// <summary>Stops the server.</summary>
    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task AcceptAsync(Socket listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stopping);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Stopping disposes the listener: whatever the pending accept throws then is expected.
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before it was accepted, or the system out of descriptors: keep accepting.
                Log.AcceptFailed(_logger, ex.Message);
                continue;
            }

            var connection = ServeAsync(socket, stopping);
            _connections[connection] = true;
            _ = connection.ContinueWith(done => _connections.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        // Run the connection apart from the accept loop, which must not wait for the first request.
        await Task.Yield();
        var remote = socket.RemoteEndPoint?.ToString() ?? "unknown client";
        Log.ClientConnected(_logger, remote);
        var stream = new NetworkStream(socket, ownsSocket: true);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        var responses = new ArrayBufferWriter<byte>(4 * ModbusLimits.MaxAduLength);
        var frame = new byte[ModbusLimits.MaxAduLength];
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(stopping);
                var buffer = result.Buffer;
                while (ModbusAdu.TryReadFrame(ref buffer, frame, out var length))
                {
                    Answer(frame.AsSpan(0, length), responses, remote);
                }

                var partial = buffer.Length;
                input.AdvanceTo(buffer.Start, buffer.End);

                // Pipelined requests that arrived together are answered in one write.
                if (responses.WrittenCount > 0)
                {
                    await stream.WriteAsync(responses.WrittenMemory, stopping);
                    responses.ResetWrittenCount();
                }

                if (result.IsCompleted)
                {
                    if (partial > 0)
                    {
                        Log.TruncatedFrame(_logger, remote, partial);
                    }

                    break;
                }
            }
        }
        catch (ModbusProtocolException ex)
        {
            Log.MalformedFrame(_logger, remote, ex.Message);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            Log.ConnectionFailed(_logger, remote, ex.Message);
        }
#pragma warning disable CA1031 // One connection's failure, whatever it is, must not reach the server.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ConnectionCrashed(_logger, ex, remote);
        }
        finally
        {
            await input.CompleteAsync();
            await stream.DisposeAsync();
            Log.ClientDisconnected(_logger, remote);
        }
    }

    /// <summary>Answers one request frame, appending the response frame to <paramref name="responses"/> (unless the unit is unknown and ignored).</summary>
    private void Answer(ReadOnlySpan<byte> frame, ArrayBufferWriter<byte> responses, string remote)
    {
        var request = ModbusAdu.Decode(frame, out var header);
        var response = responses.GetSpan(ModbusLimits.MaxAduLength)[..ModbusLimits.MaxAduLength];
        int pduLength;
        if (_units.TryGetValue(header.UnitId, out var store))
        {
            pduLength = Execute(store, header.UnitId, request, response[MbapHeader.Size..], remote);
        }
        else
        {
            Log.UnknownUnit(_logger, remote, header.UnitId);
            if (_options.IgnoreUnknownUnits)
            {
                return;
            }

            pduLength = ModbusPdu.EncodeExceptionResponse(
                response[MbapHeader.Size..], (ModbusFunctionCode)request[0], ModbusExceptionCode.GatewayTargetFailedToRespond);
        }

        new MbapHeader(header.TransactionId, header.UnitId, pduLength).Encode(response);
        responses.Advance(MbapHeader.Size + pduLength);
    }

    /// <summary>Carries out a request PDU against a store and writes the response PDU; returns its length.</summary>
    private int Execute(IModbusDataStore store, byte unitId, ReadOnlySpan<byte> pdu, Span<byte> response, string remote)
    {
        var function = (ModbusFunctionCode)pdu[0];
        if (!ModbusPdu.IsSupported(function))
        {
            return ModbusPdu.EncodeExceptionResponse(response, function, ModbusExceptionCode.IllegalFunction);
        }

        ModbusRequest request;
        try
        {
            request = ModbusPdu.DecodeRequest(pdu);
        }
        catch (ModbusProtocolException ex)
        {
            Log.InvalidRequest(_logger, remote, unitId, ex.Message);
            return ModbusPdu.EncodeExceptionResponse(response, function, ModbusExceptionCode.IllegalDataValue);
        }

        try
        {
            return Perform(store, request, response)
                ?? ModbusPdu.EncodeExceptionResponse(response, function, ModbusExceptionCode.IllegalDataAddress);
        }
        catch (ModbusException ex)
        {
            return ModbusPdu.EncodeExceptionResponse(response, function, ex.ExceptionCode);
        }
#pragma warning disable CA1031 // A faulty data store must answer ServerDeviceFailure, not take the server down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.StoreFailed(_logger, ex, unitId, function);
            return ModbusPdu.EncodeExceptionResponse(response, function, ModbusExceptionCode.ServerDeviceFailure);
        }
    }

    /// <summary>Returns the response PDU length, or null when the store refused the address range.</summary>
    private static int? Perform(IModbusDataStore store, in ModbusRequest request, Span<byte> response)
    {
        var function = request.Function;
        switch (function)
        {
            case ModbusFunctionCode.ReadCoils or ModbusFunctionCode.ReadDiscreteInputs:
            {
                Span<bool> bits = stackalloc bool[request.ReadQuantity];
                var read = function == ModbusFunctionCode.ReadCoils
                    ? store.TryReadCoils(request.ReadAddress, bits)
                    : store.TryReadDiscreteInputs(request.ReadAddress, bits);
                return read ? ModbusPdu.EncodeReadBitsResponse(response, function, bits) : null;
            }

            case ModbusFunctionCode.ReadHoldingRegisters or ModbusFunctionCode.ReadInputRegisters:
            {
                Span<ushort> registers = stackalloc ushort[request.ReadQuantity];
                var read = function == ModbusFunctionCode.ReadHoldingRegisters
                    ? store.TryReadHoldingRegisters(request.ReadAddress, registers)
                    : store.TryReadInputRegisters(request.ReadAddress, registers);
                return read ? ModbusPdu.EncodeReadRegistersResponse(response, function, registers) : null;
            }

            case ModbusFunctionCode.WriteSingleCoil or ModbusFunctionCode.WriteMultipleCoils:
            {
                Span<bool> coils = stackalloc bool[request.WriteQuantity];
                request.CopyWriteCoils(coils);
                if (!store.TryWriteCoils(request.WriteAddress, coils))
                {
                    return null;
                }

                var echo = function == ModbusFunctionCode.WriteSingleCoil
                    ? (coils[0] ? ModbusPdu.CoilOn : ModbusPdu.CoilOff)
                    : request.WriteQuantity;
                return ModbusPdu.EncodeWriteResponse(response, function, request.WriteAddress, echo);
            }

            case ModbusFunctionCode.WriteSingleRegister or ModbusFunctionCode.WriteMultipleRegisters:
            {
                Span<ushort> registers = stackalloc ushort[request.WriteQuantity];
                request.CopyWriteRegisters(registers);
                if (!store.TryWriteHoldingRegisters(request.WriteAddress, registers))
                {
                    return null;
                }

                var echo = function == ModbusFunctionCode.WriteSingleRegister ? registers[0] : request.WriteQuantity;
                return ModbusPdu.EncodeWriteResponse(response, function, request.WriteAddress, echo);
            }

            case ModbusFunctionCode.ReadWriteMultipleRegisters:
            {
                Span<ushort> written = stackalloc ushort[request.WriteQuantity];
                Span<ushort> read = stackalloc ushort[request.ReadQuantity];
                request.CopyWriteRegisters(written);
                return store.TryWriteReadHoldingRegisters(request.WriteAddress, written, request.ReadAddress, read)
                    ? ModbusPdu.EncodeReadRegistersResponse(response, function, read)
                    : null;
            }

            default:
                throw new InvalidOperationException($"{function.Describe()} passed IsSupported but is not handled");
        }
    }

    private sealed record Running(Socket Listener, CancellationTokenSource Stopping, Task Accepting);

    private static partial class Log
    {
        [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Modbus server listening on {EndPoint}")]
        public static partial void Listening(ILogger logger, EndPoint endPoint);

        [LoggerMessage(EventId = 521, Level = LogLevel.Information, Message = "Modbus server stopped")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = 522, Level = LogLevel.Debug, Message = "Modbus client {Remote} connected")]
        public static partial void ClientConnected(ILogger logger, string remote);

        [LoggerMessage(EventId = 523, Level = LogLevel.Debug, Message = "Modbus client {Remote} disconnected")]
        public static partial void ClientDisconnected(ILogger logger, string remote);

        [LoggerMessage(EventId = 524, Level = LogLevel.Warning, Message = "Modbus client {Remote} sent a malformed frame, closing its connection: {Error}")]
        public static partial void MalformedFrame(ILogger logger, string remote, string error);

        [LoggerMessage(EventId = 525, Level = LogLevel.Debug, Message = "Modbus client {Remote} closed the connection in the middle of a frame ({Bytes} bytes received)")]
        public static partial void TruncatedFrame(ILogger logger, string remote, long bytes);

        [LoggerMessage(EventId = 526, Level = LogLevel.Debug, Message = "Modbus client {Remote}: connection failed: {Error}")]
        public static partial void ConnectionFailed(ILogger logger, string remote, string error);

        [LoggerMessage(EventId = 527, Level = LogLevel.Debug, Message = "Modbus client {Remote} addressed unknown unit {UnitId}")]
        public static partial void UnknownUnit(ILogger logger, string remote, byte unitId);

        [LoggerMessage(EventId = 528, Level = LogLevel.Debug, Message = "Modbus client {Remote} sent an invalid request to unit {UnitId}, answered IllegalDataValue: {Error}")]
        public static partial void InvalidRequest(ILogger logger, string remote, byte unitId, string error);

        [LoggerMessage(EventId = 529, Level = LogLevel.Error, Message = "Data store of unit {UnitId} failed on {Function}, answered ServerDeviceFailure")]
        public static partial void StoreFailed(ILogger logger, Exception exception, byte unitId, ModbusFunctionCode function);

        [LoggerMessage(EventId = 531, Level = LogLevel.Error, Message = "Modbus connection of {Remote} failed unexpectedly")]
        public static partial void ConnectionCrashed(ILogger logger, Exception exception, string remote);

        [LoggerMessage(EventId = 530, Level = LogLevel.Warning, Message = "Modbus server could not accept a connection: {Error}")]
        public static partial void AcceptFailed(ILogger logger, string error);
    }
}
