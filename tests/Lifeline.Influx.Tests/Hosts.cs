using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lifeline.Influx.Tests;

/// <summary>A TCP port that accepts connections (kernel backlog) and never answers: a hung server.</summary>
internal sealed class SilentServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SilentServer() => _listener.Start();

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public void Dispose() => _listener.Dispose();
}

/// <summary>
/// A minimal HTTP server answering every request from a handler (method, path and query → status, headers, body).
/// For the few answers no real server here gives (InfluxDB 2.x's bucket API, a server that is not InfluxDB).
/// </summary>
internal sealed class ScriptedHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string, (int Status, string Body, string[] Headers)> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _requests = [];

    public ScriptedHttpServer(Func<string, string, (int Status, string Body, string[] Headers)> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>"METHOD /path?query" of every request, with its Authorization header.</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
                while (true)
                {
                    var requestLine = await reader.ReadLineAsync(_stop.Token);
                    if (string.IsNullOrEmpty(requestLine))
                    {
                        return;
                    }

                    var contentLength = 0;
                    var authorization = string.Empty;
                    string? line;
                    while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(_stop.Token)))
                    {
                        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        {
                            contentLength = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        }
                        else if (line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase))
                        {
                            authorization = line["Authorization:".Length..].Trim();
                        }
                    }

                    var body = new char[contentLength];
                    var read = 0;
                    while (read < contentLength)
                    {
                        var n = await reader.ReadAsync(body.AsMemory(read), _stop.Token);
                        if (n == 0)
                        {
                            break;
                        }

                        read += n;
                    }

                    var parts = requestLine.Split(' ');
                    lock (_requests)
                    {
                        _requests.Add($"{parts[0]} {parts[1]} [{authorization}]");
                    }

                    var (status, responseBody, headers) = _handler(parts[0], parts[1]);
                    var bytes = Encoding.UTF8.GetBytes(responseBody);
                    var head = new StringBuilder()
                        .Append("HTTP/1.1 ").Append(status).Append(" Scripted\r\n")
                        .Append("Content-Length: ").Append(bytes.Length).Append("\r\n");
                    foreach (var header in headers)
                    {
                        head.Append(header).Append("\r\n");
                    }

                    head.Append("\r\n");
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                    await stream.WriteAsync(bytes, _stop.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }
}
