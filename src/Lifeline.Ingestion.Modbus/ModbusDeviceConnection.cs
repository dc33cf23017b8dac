using Lifeline.Modbus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// The one TCP connection to one device, made when first needed and made again after it is lost. Every exchange with
/// the device goes through <see cref="ExecuteAsync{T}"/>: the poll loop's reads now, and later commands (a coil
/// write followed by a read-back of its feedback channel), which queue behind the read in flight in the client's
/// request slots (<see cref="ModbusOptions.MaxInFlight"/>).
/// </summary>
internal sealed class ModbusDeviceConnection : IAsyncDisposable
{
    /// <summary>Consecutive timeouts after which the connection is dropped: a half-open TCP connection never recovers.</summary>
    internal const int DropAfterTimeouts = 2;

    private readonly string _host;
    private readonly int _port;
    private readonly byte _unitId;
    private readonly ModbusTcpClientOptions _clientOptions;
    private readonly TimeProvider _time;
    private readonly Action<bool> _connectedChanged;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ModbusTcpClient? _client;
    private int _consecutiveTimeouts;
    private int _disposed;

    public ModbusDeviceConnection(string host, int port, byte unitId, ModbusTcpClientOptions clientOptions, TimeProvider time, Action<bool> connectedChanged)
    {
        _host = host;
        _port = port;
        _unitId = unitId;
        _clientOptions = clientOptions;
        _time = time;
        _connectedChanged = connectedChanged;
    }

    /// <summary>
    /// Runs one exchange with the device, connecting first when there is no live connection. A lost connection, a
    /// malformed answer or repeated timeouts drop the connection, so the next exchange connects afresh.
    /// </summary>
    public async Task<T> ExecuteAsync<T>(Func<ModbusTcpClient, byte, CancellationToken, Task<T>> exchange, CancellationToken cancellationToken)
    {
        var client = await GetClientAsync(cancellationToken);
        try
        {
            var result = await exchange(client, _unitId, cancellationToken);
            Volatile.Write(ref _consecutiveTimeouts, 0);
            return result;
        }
        catch (ModbusException)
        {
            // The device answered (with an exception code): the connection is fine.
            Volatile.Write(ref _consecutiveTimeouts, 0);
            throw;
        }
        catch (Exception ex) when (ex is ModbusTimeoutException or OperationCanceledException)
        {
            // OperationCanceledException: the attempt's time ran out (or shutdown, when the connection goes anyway).
            if (Interlocked.Increment(ref _consecutiveTimeouts) >= DropAfterTimeouts)
            {
                await DropAsync(client);
            }

            throw;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // ModbusConnectionException and ModbusProtocolException are IOExceptions: the stream cannot be trusted.
            await DropAsync(client);
            throw;
        }
    }

    /// <summary>The connection was disposed (its poller stopped); a new one must be made for further exchanges.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _connecting.WaitAsync();
        try
        {
            if (_client is { } client)
            {
                _client = null;
                await client.DisposeAsync();
                _connectedChanged(false);
            }
        }
        finally
        {
            _connecting.Release();
            _connecting.Dispose();
        }
    }

    private async Task<ModbusTcpClient> GetClientAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _client);
        if (current is { IsConnected: true })
        {
            return current;
        }

        await _connecting.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            if (_client is { IsConnected: true } live)
            {
                return live;
            }

            if (_client is { } dead)
            {
                _client = null;
                await dead.DisposeAsync();
                _connectedChanged(false);
            }

            // The client logs nothing here: the poller reports failures itself, rate-limited.
            var client = await ModbusTcpClient.ConnectAsync(_host, _port, _clientOptions, _time, NullLogger.Instance, cancellationToken);
            Volatile.Write(ref _consecutiveTimeouts, 0);
            Volatile.Write(ref _client, client);
            _connectedChanged(true);
            return client;
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task DropAsync(ModbusTcpClient client)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await _connecting.WaitAsync();
        try
        {
            if (!ReferenceEquals(_client, client))
            {
                return;
            }

            _client = null;
        }
        finally
        {
            _connecting.Release();
        }

        await client.DisposeAsync();
        _connectedChanged(false);
    }
}
