using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Influx;

/// <summary>
/// InfluxQL over <c>/query</c> for both API versions: <c>POST /query?db=&amp;rp=&amp;epoch=</c> with the statement in
/// the form body. V1 authenticates with basic authentication (when a user is set), V2 with <c>Authorization: Token</c>
/// and the database name of <see cref="InfluxOptions.Database"/> (InfluxDB 2.x maps it through DBRP).
/// Build statements from untrusted values with <see cref="InfluxQl"/>.
/// </summary>
public sealed partial class InfluxQueryClient : IDisposable
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;

    /// <summary>Creates the client; with <paramref name="http"/> null it owns an HTTP client of its own.</summary>
    public InfluxQueryClient(InfluxOptions options, HttpClient? http = null, ILogger<InfluxQueryClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        InfluxOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? InfluxHttp.CreateClient();
        _logger = logger ?? NullLogger<InfluxQueryClient>.Instance;
    }

    /// <summary>Runs InfluxQL against <see cref="InfluxOptions.Database"/>; times in milliseconds.</summary>
    /// <exception cref="InfluxQueryException">The server refused the query (its message is kept), or did not answer.</exception>
    public Task<InfluxQueryResult> QueryAsync(string influxQl, CancellationToken ct) => QueryAsync(influxQl, InfluxEpoch.Milliseconds, ct);

    /// <summary>Runs InfluxQL against <see cref="InfluxOptions.Database"/>, times in <paramref name="epoch"/> units.</summary>
    /// <exception cref="InfluxQueryException">The server refused the query (its message is kept), or did not answer.</exception>
    public async Task<InfluxQueryResult> QueryAsync(string influxQl, InfluxEpoch epoch, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(influxQl);
        if (!_options.IsConfigured)
        {
            throw new InvalidOperationException("No InfluxDB is configured (Influx:Url is empty): nothing can be queried.");
        }

        var where = $"InfluxDB at {InfluxHttp.Display(_options.Url!)}";
        var uri = InfluxHttp.Endpoint(_options.Url!, "query", ("db", _options.Database), ("rp", _options.RetentionPolicy), ("epoch", EpochParameter(epoch)));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent([new("q", influxQl)]),
        };
        InfluxHttp.Authenticate(request, _options);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        string body;
        int status;
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                var reason = InfluxHttp.ErrorFromBody(body)
                    ?? (response.Headers.TryGetValues("X-Influxdb-Error", out var header) ? header.First() : null)
                    ?? (string.IsNullOrWhiteSpace(body) ? response.ReasonPhrase ?? response.StatusCode.ToString() : body.Trim());
                var auth = status is 401 or 403 ? $" (auth refused for {InfluxHttp.Principal(_options)})" : string.Empty;
                throw new InfluxQueryException($"{where} answered {status} to an InfluxQL query on database '{_options.Database}'{auth}: {reason}", reason, status);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new InfluxQueryException($"{where} did not answer an InfluxQL query within {InfluxHttp.Seconds(_options.Timeout)}", null, null, e);
        }
        catch (HttpRequestException e)
        {
            throw new InfluxQueryException($"{where} is unreachable: {InfluxHttp.DescribeTransportFailure(e)}", null, null, e);
        }

        var result = InfluxQueryResult.Parse(body, epoch);
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Log.Queried(_logger, result.Series.Count, elapsedMs);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static string EpochParameter(InfluxEpoch epoch) => epoch switch
    {
        InfluxEpoch.Nanoseconds => "ns",
        InfluxEpoch.Microseconds => "u",
        InfluxEpoch.Milliseconds => "ms",
        InfluxEpoch.Seconds => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "unknown epoch"),
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 31, Level = LogLevel.Debug, Message = "InfluxQL query answered {SeriesCount} series in {ElapsedMs:F1} ms")]
        public static partial void Queried(ILogger logger, int seriesCount, double elapsedMs);
    }
}
