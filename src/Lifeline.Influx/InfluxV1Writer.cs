using System.Diagnostics;
using System.Text;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Microsoft.Extensions.Logging;

namespace Lifeline.Influx;

/// <summary>InfluxDB 1.x: <c>POST /write?db=&amp;rp=&amp;precision=</c> with line protocol, over plain HTTP.</summary>
internal sealed partial class InfluxV1Writer : IInfluxWriter
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly InfluxWriteFailures _failures;

    public InfluxV1Writer(InfluxOptions options, HttpClient? http, ILogger logger)
    {
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? InfluxHttp.CreateClient();
        _logger = logger;
        _failures = new InfluxWriteFailures(options, "/write");
    }

    public async Task WriteAsync(IReadOnlyList<PointData> points, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0)
        {
            return;
        }

        foreach (var group in points.GroupBy(p => p.Precision))
        {
            var body = new StringBuilder();
            var count = 0;
            foreach (var point in group)
            {
                var line = point.ToLineProtocol();
                if (line.Length == 0)
                {
                    continue;
                }

                if (count > 0)
                {
                    body.Append('\n');
                }

                body.Append(line);
                count++;
            }

            var skipped = group.Count() - count;
            if (skipped > 0)
            {
                Log.SkippedWithoutFields(_logger, skipped);
            }

            if (count > 0)
            {
                await PostAsync(Encoding.UTF8.GetBytes(body.ToString()), count, group.Key, ct);
            }
        }
    }

    public Task WriteLinesAsync(string lineProtocol, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lineProtocol);
        return count == 0 ? Task.CompletedTask : PostAsync(Encoding.UTF8.GetBytes(lineProtocol), count, WritePrecision.Ns, ct);
    }

    public Task WriteLinesAsync(ReadOnlyMemory<byte> utf8LineProtocol, int count, CancellationToken ct) =>
        count == 0 ? Task.CompletedTask : PostAsync(utf8LineProtocol, count, WritePrecision.Ns, ct);

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    /// <summary>1.x spells precisions n/u/ms/s; anything else (such as v2's <c>ns</c>/<c>us</c>) silently means nanoseconds.</summary>
    internal static string V1Precision(WritePrecision precision) => precision switch
    {
        WritePrecision.Ns => "n",
        WritePrecision.Us => "u",
        WritePrecision.Ms => "ms",
        WritePrecision.S => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown write precision"),
    };

    private async Task PostAsync(ReadOnlyMemory<byte> lineProtocol, int count, WritePrecision precision, CancellationToken ct)
    {
        var uri = InfluxHttp.Endpoint(_options.Url!, "write", ("db", _options.Database), ("rp", _options.RetentionPolicy), ("precision", V1Precision(precision)));
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ReadOnlyMemoryContent(lineProtocol) { Headers = { ContentType = new("text/plain") { CharSet = "utf-8" } } },
        };
        InfluxHttp.Authenticate(request, _options);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                Log.Wrote(_logger, count, _failures.Target, elapsedMs);
                return;
            }

            var reason = await InfluxHttp.ReadErrorAsync(response, timeout.Token);
            var failure = _failures.FromStatus(count, (int)response.StatusCode, reason, InfluxHttp.RetryAfter(response));
            Log.WriteFailed(_logger, failure.Kind, failure.Message);
            throw failure;
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            var failure = _failures.Timeout(count, e);
            Log.WriteFailed(_logger, failure.Kind, failure.Message);
            throw failure;
        }
        catch (HttpRequestException e)
        {
            var failure = _failures.Unreachable(count, e);
            Log.WriteFailed(_logger, failure.Kind, failure.Message);
            throw failure;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Wrote {Count} points to {Target} in {ElapsedMs:F1} ms")]
        public static partial void Wrote(ILogger logger, int count, string target, double elapsedMs);

        [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "InfluxDB write failed ({Kind}): {Reason}")]
        public static partial void WriteFailed(ILogger logger, InfluxWriteFailure kind, string reason);

        [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Skipped {Count} points without fields (InfluxDB cannot store them)")]
        public static partial void SkippedWithoutFields(ILogger logger, int count);
    }
}
