using System.Net;
using System.Text.Json;
using InfluxDB.Client;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Influx;

/// <summary>The outcome of a connection check.</summary>
public enum InfluxCheckStatus
{
    /// <summary>The server answers, the credentials are accepted and the database/bucket exists (or could not be verified, see the message).</summary>
    Ok,

    /// <summary>No connection, or no answer within the timeout.</summary>
    Unreachable,

    /// <summary>The credentials were refused (401) or lack privileges (403).</summary>
    AuthRefused,

    /// <summary>The database, retention policy or bucket does not exist and was not (or could not be) created.</summary>
    DatabaseMissing,

    /// <summary>Something answers, but not as the configured InfluxDB API does.</summary>
    Unsupported,

    /// <summary>No InfluxDB is configured (<see cref="InfluxOptions.Url"/> is empty).</summary>
    NotConfigured,
}

/// <summary>What a connection check found; <see cref="Message"/> says precisely what is wrong, or what was verified.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">A sentence for operators.</param>
/// <param name="ServerVersion">The server's <c>X-Influxdb-Version</c>, when it answered <c>/ping</c>.</param>
/// <param name="Created">True when this check created the database or bucket.</param>
public sealed record InfluxCheckResult(InfluxCheckStatus Status, string Message, string? ServerVersion, bool Created)
{
    /// <summary>True when <see cref="Status"/> is <see cref="InfluxCheckStatus.Ok"/>.</summary>
    public bool IsOk => Status == InfluxCheckStatus.Ok;
}

/// <summary>
/// Start-up and periodic check of the configured InfluxDB: reachable (<c>/ping</c>), credentials accepted, database
/// (V1: <c>SHOW DATABASES</c>, created with <c>CREATE DATABASE</c> when allowed) or bucket (V2: <c>/api/v2/buckets</c>,
/// created through InfluxDB.Client when allowed and an org is set) present. Never throws for a server problem.
/// </summary>
public sealed partial class InfluxConnectionCheck : IDisposable
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;

    /// <summary>Creates the check; with <paramref name="http"/> null it owns an HTTP client of its own.</summary>
    public InfluxConnectionCheck(InfluxOptions options, HttpClient? http = null, ILogger<InfluxConnectionCheck>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        InfluxOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? InfluxHttp.CreateClient();
        _logger = logger ?? NullLogger<InfluxConnectionCheck>.Instance;
    }

    private string Where => $"InfluxDB at {InfluxHttp.Display(_options.Url!)}";

    /// <summary>Runs the check. Cancellation of <paramref name="ct"/> throws; everything else is a result.</summary>
    public async Task<InfluxCheckResult> CheckAsync(CancellationToken ct)
    {
        if (!_options.IsConfigured)
        {
            return new InfluxCheckResult(InfluxCheckStatus.NotConfigured, "No InfluxDB is configured (Influx:Url is empty): readings are not stored.", null, false);
        }

        var result = await RunAsync(ct);
        if (result.IsOk)
        {
            Log.CheckOk(_logger, result.Message);
        }
        else
        {
            Log.CheckFailed(_logger, result.Status, result.Message);
        }

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

    private async Task<InfluxCheckResult> RunAsync(CancellationToken ct)
    {
        string? version = null;
        try
        {
            using (var ping = await SendAsync(HttpMethod.Get, InfluxHttp.Endpoint(_options.Url!, "ping"), null, authenticate: false, ct))
            {
                if (!ping.IsSuccessStatusCode)
                {
                    var reason = await InfluxHttp.ReadErrorAsync(ping, ct);
                    if (ping.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
                    {
                        // A reverse proxy in front of an InfluxDB that is down.
                        return Result(InfluxCheckStatus.Unreachable, $"{Where} is unreachable: a proxy answered {(int)ping.StatusCode} on /ping ({reason})");
                    }

                    return Result(InfluxCheckStatus.Unsupported, $"{Where} answered {(int)ping.StatusCode} on /ping ({reason}): is this an InfluxDB server?");
                }

                version = ping.Headers.TryGetValues("X-Influxdb-Version", out var values) ? values.FirstOrDefault() : null;
            }

            return _options.ApiVersion == InfluxApiVersion.V1 ? await CheckDatabaseAsync(version, ct) : await CheckBucketAsync(version, ct);
        }
        catch (CheckTimeoutException e)
        {
            return Result(InfluxCheckStatus.Unreachable, $"{Where} did not answer within {InfluxHttp.Seconds(_options.Timeout)} ({e.Step})", version);
        }
        catch (HttpRequestException e)
        {
            return Result(InfluxCheckStatus.Unreachable, $"{Where} is unreachable: {InfluxHttp.DescribeTransportFailure(e)}", version);
        }
    }

    private async Task<InfluxCheckResult> CheckDatabaseAsync(string? version, CancellationToken ct)
    {
        var server = $"{Where} (InfluxDB {version ?? "of unknown version"})";
        var (databases, failure) = await QueryNamesAsync("SHOW DATABASES", null, version, ct);
        if (failure is not null)
        {
            return failure;
        }

        var created = false;
        if (!databases!.Contains(_options.Database))
        {
            if (!_options.CreateIfMissing)
            {
                return Result(InfluxCheckStatus.DatabaseMissing, $"{server}: database '{_options.Database}' does not exist (Influx:CreateIfMissing is off)", version);
            }

            var error = await ExecuteAsync("CREATE DATABASE " + InfluxQl.QuoteIdentifier(_options.Database), ct);
            if (error is not null)
            {
                return Result(InfluxCheckStatus.DatabaseMissing, $"{server}: database '{_options.Database}' does not exist and could not be created: {error}", version);
            }

            created = true;
        }

        if (_options.RetentionPolicy is { } rp)
        {
            var (policies, rpFailure) = await QueryNamesAsync("SHOW RETENTION POLICIES ON " + InfluxQl.QuoteIdentifier(_options.Database), _options.Database, version, ct);
            if (rpFailure is not null)
            {
                return rpFailure with { Created = created };
            }

            if (!policies!.Contains(rp))
            {
                return new InfluxCheckResult(InfluxCheckStatus.DatabaseMissing, $"{server}: retention policy '{rp}' does not exist on database '{_options.Database}' (it is never created automatically)", version, created);
            }
        }

        var what = _options.RetentionPolicy is null ? $"database '{_options.Database}'" : $"database '{_options.Database}', retention policy '{_options.RetentionPolicy}'";
        return new InfluxCheckResult(InfluxCheckStatus.Ok, created ? $"{server}: created {what}" : $"{server}: {what} exists", version, created);
    }

    /// <summary>The first column of every row of an InfluxQL answer (SHOW DATABASES and the like), or the failure.</summary>
    private async Task<(HashSet<string>? Names, InfluxCheckResult? Failure)> QueryNamesAsync(string statement, string? database, string? version, CancellationToken ct)
    {
        var uri = InfluxHttp.Endpoint(_options.Url!, "query", ("db", database));
        using var response = await SendAsync(HttpMethod.Post, uri, new FormUrlEncodedContent([new("q", statement)]), authenticate: true, ct);
        var body = await ReadBodyAsync(response, statement, ct);
        if (!response.IsSuccessStatusCode)
        {
            var reason = InfluxHttp.ErrorFromBody(body) ?? (response.Headers.TryGetValues("X-Influxdb-Error", out var h) ? h.First() : body.Trim());
            return (null, response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? Result(InfluxCheckStatus.AuthRefused, $"{Where}: auth refused ({(int)response.StatusCode}) for {InfluxHttp.Principal(_options)}: {reason}", version)
                : Result(InfluxCheckStatus.Unsupported, $"{Where} answered {(int)response.StatusCode} to '{statement}': {reason}", version));
        }

        try
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            var result = InfluxQueryResult.Parse(body, InfluxEpoch.Milliseconds);
            foreach (var series in result.Series)
            {
                foreach (var row in series.Values)
                {
                    if (row.Count > 0 && row[0].ValueKind == JsonValueKind.String)
                    {
                        names.Add(row[0].GetString()!);
                    }
                }
            }

            return (names, null);
        }
        catch (InfluxQueryException e)
        {
            var status = e.ServerMessage?.Contains("not authorized", StringComparison.OrdinalIgnoreCase) == true ? InfluxCheckStatus.AuthRefused : InfluxCheckStatus.Unsupported;
            return (null, Result(status, $"{Where} refused '{statement}' for {InfluxHttp.Principal(_options)}: {e.ServerMessage ?? e.Message}", version));
        }
    }

    /// <summary>Runs a statement with POST; the server's reason when it failed, else null.</summary>
    private async Task<string?> ExecuteAsync(string statement, CancellationToken ct)
    {
        var uri = InfluxHttp.Endpoint(_options.Url!, "query");
        using var response = await SendAsync(HttpMethod.Post, uri, new FormUrlEncodedContent([new("q", statement)]), authenticate: true, ct);
        var body = await ReadBodyAsync(response, statement, ct);
        if (!response.IsSuccessStatusCode)
        {
            var reason = InfluxHttp.ErrorFromBody(body) ?? body.Trim();
            return $"{(int)response.StatusCode} {reason}";
        }

        try
        {
            InfluxQueryResult.Parse(body, InfluxEpoch.Milliseconds);
            return null;
        }
        catch (InfluxQueryException e)
        {
            return e.ServerMessage ?? e.Message;
        }
    }

    private async Task<InfluxCheckResult> CheckBucketAsync(string? version, CancellationToken ct)
    {
        var server = $"{Where} (InfluxDB {version ?? "of unknown version"})";
        var uri = InfluxHttp.Endpoint(_options.Url!, "api/v2/buckets", ("name", _options.Bucket), ("org", _options.Org));
        using var response = await SendAsync(HttpMethod.Get, uri, null, authenticate: true, ct);
        var body = await ReadBodyAsync(response, "/api/v2/buckets", ct);
        var reason = InfluxHttp.ErrorFromBody(body) ?? body.Trim();
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                break;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return Result(InfluxCheckStatus.AuthRefused, $"{Where}: auth refused ({(int)response.StatusCode}) for {InfluxHttp.Principal(_options)}: {reason}", version);
            case HttpStatusCode.NotFound when IsInflux2Error(body):
                // InfluxDB 2.x answers 404 with a JSON error when the organisation does not exist.
                return Result(InfluxCheckStatus.DatabaseMissing, $"{server}: bucket '{_options.Bucket}' cannot be looked up in org '{_options.Org}': {reason}", version);
            case HttpStatusCode.NotFound:
                return Result(InfluxCheckStatus.Ok, $"{server} answers 404 on /api/v2/buckets (InfluxDB 1.8's compatibility API or a write proxy): bucket '{_options.Bucket}' could not be verified on this server", version);
            default:
                return Result(InfluxCheckStatus.Unsupported, $"{Where} answered {(int)response.StatusCode} on /api/v2/buckets: {reason}", version);
        }

        if (ContainsBucket(body, _options.Bucket))
        {
            return Result(InfluxCheckStatus.Ok, $"{server}: bucket '{_options.Bucket}' exists in org '{_options.Org}'", version);
        }

        if (!_options.CreateIfMissing)
        {
            return Result(InfluxCheckStatus.DatabaseMissing, $"{server}: bucket '{_options.Bucket}' does not exist in org '{_options.Org}' (Influx:CreateIfMissing is off)", version);
        }

        var error = await CreateBucketAsync(ct);
        return error is null
            ? new InfluxCheckResult(InfluxCheckStatus.Ok, $"{server}: created bucket '{_options.Bucket}' in org '{_options.Org}'", version, true)
            : Result(InfluxCheckStatus.DatabaseMissing, $"{server}: bucket '{_options.Bucket}' does not exist and could not be created: {error}", version);
    }

    private async Task<string?> CreateBucketAsync(CancellationToken ct)
    {
        using var client = new InfluxDBClient(new InfluxDBClientOptions(_options.Url!.GetLeftPart(UriPartial.Path).TrimEnd('/'))
        {
            Token = _options.Token,
            Org = _options.Org,
            Timeout = _options.Timeout,
        });
        try
        {
            var orgs = await client.GetOrganizationsApi().FindOrganizationsAsync(org: _options.Org, cancellationToken: ct);
            var org = orgs?.FirstOrDefault(o => o.Name == _options.Org);
            if (org is null)
            {
                return $"organisation '{_options.Org}' not found";
            }

            await client.GetBucketsApi().CreateBucketAsync(_options.Bucket, org.Id, ct);
            return null;
        }
        catch (HttpException e) when (!ct.IsCancellationRequested)
        {
            return e.Status > 0 ? $"{e.Status} {e.Message}" : InfluxHttp.DescribeTransportFailure(e);
        }
    }

    private static bool IsInflux2Error(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool ContainsBucket(string body, string bucket)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("buckets", out var buckets) && buckets.ValueKind == JsonValueKind.Array
                && buckets.EnumerateArray().Any(b => b.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == bucket);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static InfluxCheckResult Result(InfluxCheckStatus status, string message, string? version = null) => new(status, message, version, false);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, HttpContent? content, bool authenticate, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        if (authenticate)
        {
            InfluxHttp.Authenticate(request, _options);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CheckTimeoutException($"{method} {uri.AbsolutePath}");
        }
    }

    private async Task<string> ReadBodyAsync(HttpResponseMessage response, string step, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            return await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CheckTimeoutException($"reading the answer to {step}");
        }
    }

    private sealed class CheckTimeoutException(string step) : Exception(step)
    {
        public string Step { get; } = step;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "InfluxDB check: {Message}")]
        public static partial void CheckOk(ILogger logger, string message);

        [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "InfluxDB check failed ({Status}): {Message}")]
        public static partial void CheckFailed(ILogger logger, InfluxCheckStatus status, string message);
    }
}
