namespace Lifeline.Influx;

/// <summary>Maps answers and failures of either write API onto <see cref="InfluxWriteException"/>.</summary>
internal sealed class InfluxWriteFailures(InfluxOptions options, string endpoint)
{
    private readonly string _where = $"InfluxDB at {InfluxHttp.Display(options.Url!)}";

    /// <summary>What is written where, e.g. <c>database 'lifeline'</c> or <c>bucket 'lifeline' (org 'city')</c>.</summary>
    public string Target { get; } = options.ApiVersion == InfluxApiVersion.V1
        ? options.RetentionPolicy is null ? $"database '{options.Database}'" : $"database '{options.Database}', retention policy '{options.RetentionPolicy}'"
        : $"bucket '{options.Bucket}' (org '{options.Org}')";

    private static string Points(int count) => count == 1 ? "1 point" : $"{count} points";

    public static InfluxWriteFailure Classify(int status, string serverMessage) => status switch
    {
        400 or 413 or 422 => InfluxWriteFailure.Rejected,
        401 or 403 or 407 => InfluxWriteFailure.AuthRefused,
        404 => InfluxWriteFailure.DatabaseMissing,
        408 => InfluxWriteFailure.Timeout,
        _ when serverMessage.Contains("retention policy not found", StringComparison.OrdinalIgnoreCase) => InfluxWriteFailure.DatabaseMissing,
        _ => InfluxWriteFailure.ServerError,
    };

    public InfluxWriteException Unreachable(int points, Exception cause) =>
        new(InfluxWriteFailure.Unreachable, $"{_where} is unreachable: {InfluxHttp.DescribeTransportFailure(cause)} (writing {Points(points)} to {Target})", innerException: cause);

    public InfluxWriteException Timeout(int points, Exception? cause) =>
        new(InfluxWriteFailure.Timeout, $"{_where} did not answer within {InfluxHttp.Seconds(options.Timeout)} (writing {Points(points)} to {Target}); the points may or may not have been stored", innerException: cause);

    public InfluxWriteException FromStatus(int points, int status, string serverMessage, TimeSpan? retryAfter, Exception? cause = null)
    {
        var kind = Classify(status, serverMessage);
        var what = $"while writing {Points(points)} to {Target}";
        var message = kind switch
        {
            InfluxWriteFailure.Rejected => $"{_where} rejected the data ({status}) {what}: {serverMessage}"
                + (serverMessage.StartsWith("partial write", StringComparison.OrdinalIgnoreCase) ? " (the other points of the batch were stored)" : string.Empty),
            InfluxWriteFailure.AuthRefused => $"{_where}: auth refused ({status}) for {InfluxHttp.Principal(options)} {what}: {serverMessage}",
            InfluxWriteFailure.DatabaseMissing when serverMessage.Contains("page not found", StringComparison.OrdinalIgnoreCase) =>
                $"{_where} has no {endpoint} endpoint ({status}: {serverMessage}): is Influx:ApiVersion={(int)options.ApiVersion} right for this server?",
            InfluxWriteFailure.DatabaseMissing => $"{_where}: {Target} does not exist ({status}) while writing {Points(points)}: {serverMessage}",
            InfluxWriteFailure.Timeout => $"{_where} timed out ({status}) {what}: {serverMessage}",
            _ => $"{_where} failed ({status}) {what}: {serverMessage}",
        };
        return new InfluxWriteException(kind, message, status, serverMessage, retryAfter, cause);
    }
}
