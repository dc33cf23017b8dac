using System.Net;
using System.Net.Sockets;

namespace Lifeline.Testing;

public static class FreePort
{
    /// <summary>A TCP port on loopback that nothing listens on right now.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts TCP connections on the port (a real process starting up).</summary>
    public static async Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                return;
            }
            catch (SocketException)
            {
                try
                {
                    await Task.Delay(50, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds:F0} s. {diagnostics?.Invoke()}");
                }
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"nothing listens on 127.0.0.1:{port} after {timeout.TotalSeconds:F0} s. {diagnostics?.Invoke()}");
            }
        }
    }
}
