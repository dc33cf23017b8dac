using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Lifeline.Modbus.Tests;

/// <summary>
/// One end of a plain TCP connection that speaks Modbus bytes the test chooses: a scripted server for the client's
/// tests, a raw client for the server's. Every read is bounded by <see cref="Timeout"/>.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawConnection(Socket socket)
    {
        socket.NoDelay = true;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public static async Task<RawConnection> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(IPAddress.Loopback, port, cts.Token);
        return new RawConnection(socket);
    }

    public static async Task<RawConnection> AcceptAsync(TcpListener listener)
    {
        using var cts = new CancellationTokenSource(Timeout);
        return new RawConnection(await listener.AcceptSocketAsync(cts.Token));
    }

    /// <summary>Reads one Modbus TCP frame (MBAP header and PDU).</summary>
    public async Task<byte[]> ReadFrameAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var header = new byte[MbapHeader.Size];
        await _stream.ReadExactlyAsync(header, cts.Token);
        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
        var frame = new byte[6 + length];
        header.CopyTo(frame, 0);
        await _stream.ReadExactlyAsync(frame.AsMemory(MbapHeader.Size), cts.Token);
        return frame;
    }

    /// <summary>Reads one frame and returns its transaction id and PDU.</summary>
    public async Task<(ushort TransactionId, byte UnitId, byte[] Pdu)> ReadRequestAsync()
    {
        var frame = await ReadFrameAsync();
        var pdu = ModbusAdu.Decode(frame, out var header);
        return (header.TransactionId, header.UnitId, pdu.ToArray());
    }

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    public Task SendFrameAsync(ushort transactionId, byte unitId, params byte[] pdu) =>
        SendAsync(Frame(transactionId, unitId, pdu));

    public static byte[] Frame(ushort transactionId, byte unitId, params byte[] pdu)
    {
        var frame = new byte[MbapHeader.Size + pdu.Length];
        ModbusAdu.Encode(frame, transactionId, unitId, pdu);
        return frame;
    }

    /// <summary>Waits until the peer closes the connection, discarding anything it still sends; false on timeout.</summary>
    public async Task<bool> WaitForCloseAsync()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[512];
        try
        {
            while (await _stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Abort() => _socket.Close(0);

    public async ValueTask DisposeAsync() => await _stream.DisposeAsync();
}

/// <summary>A loopback TCP listener that hands out <see cref="RawConnection"/>s: a Modbus server the test scripts byte by byte.</summary>
internal sealed class ScriptedServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ScriptedServer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public Task<RawConnection> AcceptAsync() => RawConnection.AcceptAsync(_listener);

    public void Dispose() => _listener.Dispose();
}
