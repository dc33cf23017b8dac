using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>Our <see cref="ModbusTcpServer"/> on a loopback port, serving one store as unit 1.</summary>
internal sealed class TestSlave : IAsyncDisposable
{
    public const byte Unit = 1;

    private TestSlave(ModbusTcpServer server, ModbusDataStore store, int port)
    {
        Server = server;
        Store = store;
        Port = port;
    }

    public ModbusTcpServer Server { get; }

    public ModbusDataStore Store { get; }

    public int Port { get; }

    /// <summary>Starts on <paramref name="port"/> (0: any free port; give one to restart on the same port later).</summary>
    public static async Task<TestSlave> StartAsync(int port = 0)
    {
        var store = new ModbusDataStore(coils: 256, discreteInputs: 256, holdingRegisters: 256, inputRegisters: 256);
        var server = new ModbusTcpServer(new ModbusTcpServerOptions { Address = IPAddress.Loopback, Port = port });
        server.AddUnit(Unit, store);
        await server.StartAsync();
        return new TestSlave(server, store, server.LocalEndPoint.Port);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>A port that accepts connections and reads requests but never answers: a hung device.</summary>
internal sealed class SilentSlave : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;

    public SilentSlave()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public int Connections { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                    Connections++;
                }

                _ = DiscardAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task DiscardAsync(Socket socket)
    {
        var buffer = new byte[512];
        try
        {
            while (await socket.ReceiveAsync(buffer, _stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}

/// <summary>
/// A TCP proxy in front of a slave that holds every request for a fixed delay before passing it on: a slow device
/// (or a slow serial line behind a gateway). Responses come back at once.
/// </summary>
internal sealed class DelayingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _upstreamPort;
    private readonly TimeSpan _delay;
    private readonly Task _accepting;

    public DelayingProxy(int upstreamPort, TimeSpan delay)
    {
        _upstreamPort = upstreamPort;
        _delay = delay;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = RelayAsync(client);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                var answers = up.CopyToAsync(down, _stop.Token);
                var header = new byte[MbapHeader.Size];
                while (true)
                {
                    await down.ReadExactlyAsync(header, _stop.Token);
                    var rest = new byte[BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4)) - 1];
                    await down.ReadExactlyAsync(rest, _stop.Token);
                    await Task.Delay(_delay, _stop.Token);
                    await up.WriteAsync(header, _stop.Token);
                    await up.WriteAsync(rest, _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
