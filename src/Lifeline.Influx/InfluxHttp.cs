using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Lifeline.Influx;

/// <summary>HTTP plumbing shared by the writer, the connection check and the query client.</summary>
internal static class InfluxHttp
{
    private const int MaxErrorBodyChars = 2000;

    /// <summary>A client for one InfluxDB: pooled connections renewed every few minutes (DNS changes), no client-wide timeout.</summary>
    public static HttpClient CreateClient() =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(15),
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };

    /// <summary><paramref name="path"/> under the configured base address, with the query parameters that have a value.</summary>
    public static Uri Endpoint(Uri baseUrl, string path, params (string Name, string? Value)[] query)
    {
        var basePath = baseUrl.GetLeftPart(UriPartial.Path);
        var builder = new StringBuilder(basePath.TrimEnd('/')).Append('/').Append(path);
        var separator = '?';
        foreach (var (name, value) in query)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(builder.ToString());
    }

    /// <summary>The base address as shown in messages (no trailing slash).</summary>
    public static string Display(Uri baseUrl) => baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <summary>V1: HTTP basic authentication when a user is configured; V2: <c>Authorization: Token</c>.</summary>
    public static void Authenticate(HttpRequestMessage request, InfluxOptions options)
    {
        if (options.ApiVersion == InfluxApiVersion.V2)
        {
            if (!string.IsNullOrEmpty(options.Token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Token", options.Token);
            }
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            var raw = Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
        }
    }

    /// <summary>Who is authenticating, for messages (never the secret).</summary>
    public static string Principal(InfluxOptions options) => options.ApiVersion == InfluxApiVersion.V2
        ? "the configured token"
        : string.IsNullOrEmpty(options.Username) ? "no credentials (Influx:Username is not set)" : $"user '{options.Username}'";

    /// <summary>
    /// InfluxDB's reason for an error response: the <c>X-Influxdb-Error</c> header (1.x), else the JSON body's
    /// <c>error</c> (1.x) or <c>message</c> (2.x), else the start of the body, else the reason phrase.
    /// </summary>
    public static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.Headers.TryGetValues("X-Influxdb-Error", out var values) && values.FirstOrDefault() is { Length: > 0 } header)
        {
            return header;
        }

        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(ct);
        }
        catch (HttpRequestException)
        {
            body = string.Empty;
        }

        return ErrorFromBody(body) ?? (string.IsNullOrWhiteSpace(body)
            ? response.ReasonPhrase ?? response.StatusCode.ToString()
            : Truncate(body.Trim()));
    }

    /// <summary>The <c>error</c> or <c>message</c> member of a JSON error body, if the body is one.</summary>
    public static string? ErrorFromBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            foreach (var name in (string[])["error", "message"])
            {
                if (document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString();
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>The <c>Retry-After</c> of a response, when it has one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        _ => null,
    };

    /// <summary>A short reason for a failure to get any answer: "connection refused", "host name not found", ...</summary>
    public static string DescribeTransportFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "host name not found",
                    SocketError.HostUnreachable => "host unreachable",
                    SocketError.NetworkUnreachable or SocketError.NetworkDown => "network unreachable",
                    SocketError.TimedOut => "connection timed out",
                    SocketError.ConnectionReset => "connection reset by the server",
                    SocketError.ConnectionAborted => "connection aborted",
                    _ => $"{socket.SocketErrorCode}: {socket.Message}",
                };
            }
        }

        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is HttpRequestException http)
            {
                return http.HttpRequestError switch
                {
                    HttpRequestError.NameResolutionError => "host name not found",
                    HttpRequestError.SecureConnectionError => $"TLS handshake failed: {http.InnerException?.Message ?? http.Message}",
                    HttpRequestError.ResponseEnded => "the server closed the connection without answering",
                    HttpRequestError.InvalidResponse => "the server's answer is not HTTP",
                    _ => http.Message,
                };
            }

            if (e is IOException io && e.InnerException is null)
            {
                return io.Message;
            }
        }

        return exception.Message;
    }

    /// <summary>A timeout as shown in messages: "10 s", "250 ms".</summary>
    public static string Seconds(TimeSpan timeout) => timeout.TotalSeconds >= 1
        ? timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : timeout.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Truncate(string text) => text.Length <= MaxErrorBodyChars ? text : text[..MaxErrorBodyChars] + "…";
}
