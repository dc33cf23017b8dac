using System.Diagnostics;
using InfluxDB.Client;
using InfluxDB.Client.Core.Exceptions;
using InfluxDB.Client.Writes;
using Microsoft.Extensions.Logging;

namespace Lifeline.Influx;

/// <summary>InfluxDB 2.x API: InfluxDB.Client's <see cref="WriteApiAsync"/> to <c>/api/v2/write</c> with a token.</summary>
internal sealed partial class InfluxV2Writer : IInfluxWriter
{
    private readonly InfluxOptions _options;
    private readonly InfluxDBClient _client;
    private readonly WriteApiAsync _writeApi;
    private readonly ILogger _logger;
    private readonly InfluxWriteFailures _failures;

    public InfluxV2Writer(InfluxOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _failures = new InfluxWriteFailures(options, "/api/v2/write");
        _client = new InfluxDBClient(new InfluxDBClientOptions(options.Url!.GetLeftPart(UriPartial.Path).TrimEnd('/'))
        {
            Token = options.Token,
            Org = options.Org,
            Bucket = options.Bucket,
            Timeout = options.Timeout,
        });
        _writeApi = _client.GetWriteApiAsync();
    }

    public async Task WriteAsync(IReadOnlyList<PointData> points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // The client sends one request per precision and skips points without fields.
            await _writeApi.WritePointsAsync(points, _options.Bucket, _options.Org, timeout.Token);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Wrote(_logger, points.Count, _failures.Target, elapsedMs);
        }
        catch (Exception e) when (e is HttpException or OperationCanceledException or HttpRequestException)
        {
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The InfluxDB write was cancelled.", e, ct);
            }

            var failure = Map(e, points.Count);
            Log.WriteFailed(_logger, failure.Kind, failure.Message);
            throw failure;
        }
    }

    /// <summary>InfluxDB.Client takes line protocol as a string, so the bytes are decoded once here.</summary>
    public Task WriteLinesAsync(ReadOnlyMemory<byte> utf8LineProtocol, int count, CancellationToken ct) =>
        WriteLinesAsync(System.Text.Encoding.UTF8.GetString(utf8LineProtocol.Span), count, ct);

    public async Task WriteLinesAsync(string lineProtocol, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lineProtocol);
        if (count == 0)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _writeApi.WriteRecordAsync(lineProtocol, InfluxDB.Client.Api.Domain.WritePrecision.Ns, _options.Bucket, _options.Org, timeout.Token);
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Wrote(_logger, count, _failures.Target, elapsedMs);
        }
        catch (Exception e) when (e is HttpException or OperationCanceledException or HttpRequestException)
        {
            if (ct.IsCancellationRequested)
            {
                throw new OperationCanceledException("The InfluxDB write was cancelled.", e, ct);
            }

            var failure = Map(e, count);
            Log.WriteFailed(_logger, failure.Kind, failure.Message);
            throw failure;
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The client reports a missing answer as <see cref="HttpException"/> with status 0: a connection failure wraps an
    /// <see cref="HttpRequestException"/>, and both its own timeout and cancellation of the caller's token wrap a
    /// <see cref="TaskCanceledException"/> (so cancellation is told apart by the token).
    /// </summary>
    private InfluxWriteException Map(Exception e, int count) =>
        e switch
        {
            HttpException { Status: > 0 } http => _failures.FromStatus(count, http.Status, Reason(http), http.RetryAfter is > 0 and var s ? TimeSpan.FromSeconds(s) : null, http),
            HttpException http when Has<OperationCanceledException>(http) || Has<TimeoutException>(http) => _failures.Timeout(count, http),
            HttpException http => _failures.Unreachable(count, http),
            OperationCanceledException => _failures.Timeout(count, e),
            _ => _failures.Unreachable(count, e),
        };

    private static string Reason(HttpException http) => string.IsNullOrWhiteSpace(http.Message) ? $"HTTP {http.Status}" : http.Message.Trim();

    private static bool Has<T>(Exception e)
        where T : Exception
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is T)
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Wrote {Count} points to {Target} through the v2 API in {ElapsedMs:F1} ms")]
        public static partial void Wrote(ILogger logger, int count, string target, double elapsedMs);

        [LoggerMessage(EventId = 12, Level = LogLevel.Debug, Message = "InfluxDB v2 write failed ({Kind}): {Reason}")]
        public static partial void WriteFailed(ILogger logger, InfluxWriteFailure kind, string reason);
    }
}
