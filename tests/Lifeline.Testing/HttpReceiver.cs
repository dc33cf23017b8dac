using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Lifeline.Testing;

/// <summary>A local HTTP receiver (HttpListener on a free loopback port) that keeps every request and answers as told.</summary>
public sealed class HttpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public HttpReceiver()
    {
        Port = FreePort.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public Uri Url(string pathAndQuery) => new($"http://127.0.0.1:{Port}{pathAndQuery}");

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Status and body of every answer.</summary>
    public (int Status, string Body) Answer { get; set; } = (200, "{\"errcode\":0,\"errmsg\":\"ok\"}");

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            Requests.Enqueue(new ReceivedRequest(context.Request.HttpMethod, context.Request.Url!, context.Request.ContentType, body, TimeProvider.System.GetUtcNow()));
            var (status, answer) = Answer;
            context.Response.StatusCode = status;
            var bytes = Encoding.UTF8.GetBytes(answer);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}

public sealed record ReceivedRequest(string Method, Uri Url, string? ContentType, string Body, DateTimeOffset At);
