using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Storage.History;

namespace Lifeline.Server.Endpoints;

/// <summary><c>GET /api/sensors/{id}/history?from=&amp;to=&amp;every=</c>: min/mean/max per bucket, for trends.</summary>
public static partial class HistoryEndpoints
{
    /// <summary>Most buckets one request may ask for.</summary>
    public const int MaxBuckets = 10_000;

    public static IEndpointRouteBuilder MapHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sensors/{id}/history", QueryAsync).WithTags("Sensors");
        return app;
    }

    private static async Task<IResult> QueryAsync(
        string id,
        string? from,
        string? to,
        string? every,
        AssetRegistry registry,
        ISensorHistory history,
        TimeProvider time,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!SensorIds.TrySplit(id, out var deviceId, out var channelName)
            || !registry.TryGetDevice(deviceId, out var device)
            || !device.TryGetChannel(channelName, out var channel))
        {
            return Results.Problem(
                title: "No such sensor",
                detail: $"'{id}' is not a sensor of the registry (expected '{{device}}.{{channel}}')",
                statusCode: StatusCodes.Status404NotFound);
        }

        var now = time.GetUtcNow();
        if (!TryParseTime(to, now, out var end))
        {
            return BadRequest("to", $"'{to}' is not a time (ISO 8601, e.g. 2026-11-27T08:00:00Z)");
        }

        if (!TryParseTime(from, end - TimeSpan.FromHours(1), out var start))
        {
            return BadRequest("from", $"'{from}' is not a time (ISO 8601, e.g. 2026-11-27T07:00:00Z)");
        }

        if (start >= end)
        {
            return BadRequest("from", $"impossible range: from ({start:O}) must be before to ({end:O})");
        }

        TimeSpan width;
        if (string.IsNullOrEmpty(every))
        {
            width = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((end - start).TotalSeconds / 300)));
        }
        else if (!TryParseDuration(every, out width))
        {
            return BadRequest("every", $"'{every}' is not a duration (e.g. 10s, 5m, 1h, 1d or PT5M)");
        }

        if (width < TimeSpan.FromSeconds(1))
        {
            return BadRequest("every", $"every must be at least 1s, not {every}");
        }

        var buckets = (end - start).Ticks / width.Ticks;
        if (buckets > MaxBuckets)
        {
            return BadRequest("every", $"{buckets} buckets of {every} between from and to; at most {MaxBuckets}: ask for a wider 'every' or a shorter range");
        }

        HistoryResult result;
        try
        {
            result = await history.QueryAsync(device, channel, start, end, width, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.QueryFailed(loggers.CreateLogger(typeof(HistoryEndpoints)), id, ex.Message);
            return Results.Problem(title: "History unavailable", detail: $"the history store did not answer: {ex.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return Results.Ok(new
        {
            sensorId = device.SensorId(channel.Name),
            unit = channel.Unit,
            from = start,
            to = end,
            every = result.Every.TotalSeconds,
            source = result.Source,
            availableFrom = result.AvailableFrom,
            note = result.Note,
            buckets = result.Buckets.Select(b => new { t = b.Start, min = b.Min, mean = b.Mean, max = b.Max, count = b.Count }),
        });
    }

    internal static IResult BadRequest(string parameter, string detail) =>
        Results.Problem(title: $"Invalid '{parameter}'", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    internal static bool TryParseTime(string? text, DateTimeOffset fallback, out DateTimeOffset value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    /// <summary>Parses <c>30s</c>, <c>5m</c>, <c>2h</c>, <c>1d</c>, <c>500ms</c>, ISO 8601 <c>PT5M</c>, or <c>hh:mm:ss</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (text.StartsWith('P'))
        {
            try
            {
                value = System.Xml.XmlConvert.ToTimeSpan(text);
                return value > TimeSpan.Zero;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        var match = DurationPattern().Match(text);
        if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            value = match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                "h" => TimeSpan.FromHours(number),
                _ => TimeSpan.FromDays(number),
            };
            return value > TimeSpan.Zero;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value) && value > TimeSpan.Zero;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")]
    private static partial System.Text.RegularExpressions.Regex DurationPattern();

    private static partial class Log
    {
        [LoggerMessage(EventId = 440, Level = LogLevel.Warning, Message = "History of {SensorId} unavailable: {Error}")]
        public static partial void QueryFailed(ILogger logger, string sensorId, string error);
    }
}
