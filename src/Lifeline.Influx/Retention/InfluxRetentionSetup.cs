using System.Net;
using System.Text.Json;
using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Influx.Retention;

/// <summary>The outcome of <see cref="InfluxRetentionSetup.ApplyAsync"/>.</summary>
public enum RetentionSetupStatus
{
    /// <summary>Something was created or changed (see <see cref="RetentionSetupResult.Changes"/>).</summary>
    Applied,

    /// <summary>Everything was already as configured.</summary>
    Unchanged,

    /// <summary>Retention and downsampling are both switched off.</summary>
    Disabled,

    /// <summary>The user or token lacks the rights; <see cref="RetentionSetupResult.Message"/> says what an administrator must run.</summary>
    NoRights,

    /// <summary>InfluxDB cannot be reached, or the database or bucket does not exist yet: try again later.</summary>
    Unavailable,

    /// <summary>InfluxDB refused for another reason.</summary>
    Failed,
}

/// <summary>What <see cref="InfluxRetentionSetup.ApplyAsync"/> did or found.</summary>
/// <param name="Status">The outcome.</param>
/// <param name="Message">A sentence for operators.</param>
/// <param name="Changes">What was created or changed, in order.</param>
public sealed record RetentionSetupResult(RetentionSetupStatus Status, string Message, IReadOnlyList<string> Changes);

/// <summary>
/// Brings InfluxDB's retention and downsampling to what <c>Influx:Retention</c> and <c>Influx:Downsampling</c> say,
/// idempotently. 1.x: the raw retention policy's duration (the one written to, by default the database's default
/// policy, so queries that name no policy keep reading raw points), the aggregate retention policy and one continuous
/// query. 2.x: the bucket's retention, the aggregate bucket and one task. Never throws for a server problem: a
/// missing right is <see cref="RetentionSetupStatus.NoRights"/> with the statements an administrator must run.
/// </summary>
public sealed partial class InfluxRetentionSetup : IDisposable
{
    private readonly InfluxOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;

    /// <summary>Creates the setup; with <paramref name="http"/> null it owns an HTTP client of its own.</summary>
    public InfluxRetentionSetup(InfluxOptions options, HttpClient? http = null, ILogger<InfluxRetentionSetup>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        InfluxOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? InfluxHttp.CreateClient();
        _logger = logger ?? NullLogger<InfluxRetentionSetup>.Instance;
    }

    private string Where => $"InfluxDB at {InfluxHttp.Display(_options.Url!)}";

    /// <summary>Applies the configuration for readings of <paramref name="measurements"/> and logs the outcome.</summary>
    public async Task<RetentionSetupResult> ApplyAsync(IEnumerable<string> measurements, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(measurements);
        RetentionSetupResult result;
        if (!_options.IsConfigured)
        {
            result = new(RetentionSetupStatus.Disabled, "No InfluxDB is configured.", []);
        }
        else if (!_options.Retention.Enabled && !_options.Downsampling.Enabled)
        {
            result = new(RetentionSetupStatus.Disabled, "Influx:Retention:Enabled and Influx:Downsampling:Enabled are off: retention and downsampling are left as they are.", []);
        }
        else
        {
            var plan = new DownsamplingPlan(_options, measurements);
            try
            {
                result = _options.ApiVersion == InfluxApiVersion.V1 ? await ApplyV1Async(plan, ct) : await ApplyV2Async(plan, ct);
            }
            catch (StepTimeoutException e)
            {
                result = new(RetentionSetupStatus.Unavailable, $"{Where} did not answer within {InfluxHttp.Seconds(_options.Timeout)} ({e.Message})", []);
            }
            catch (HttpRequestException e)
            {
                result = new(RetentionSetupStatus.Unavailable, $"{Where} is unreachable: {InfluxHttp.DescribeTransportFailure(e)}", []);
            }
        }

        switch (result.Status)
        {
            case RetentionSetupStatus.Applied or RetentionSetupStatus.Unchanged or RetentionSetupStatus.Disabled:
                Log.Done(_logger, result.Message);
                break;
            default:
                Log.NotDone(_logger, result.Status, result.Message);
                break;
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

    private async Task<RetentionSetupResult> ApplyV1Async(DownsamplingPlan plan, CancellationToken ct)
    {
        var changes = new List<string>();
        var db = InfluxQl.QuoteIdentifier(plan.Database);
        var (policies, failure) = await RunAsync("SHOW RETENTION POLICIES ON " + db, plan, null, ct);
        if (failure is { } missing && missing.Message.Contains("database not found", StringComparison.OrdinalIgnoreCase))
        {
            if (!_options.CreateIfMissing)
            {
                return new(RetentionSetupStatus.Unavailable, $"{Where}: database '{plan.Database}' does not exist yet (Influx:CreateIfMissing is off)", []);
            }

            (_, failure) = await RunAsync("CREATE DATABASE " + db, plan, null, ct);
            if (failure is null)
            {
                changes.Add($"created database '{plan.Database}'");
                (policies, failure) = await RunAsync("SHOW RETENTION POLICIES ON " + db, plan, null, ct);
            }
        }

        if (failure is not null)
        {
            return failure;
        }

        // Columns: name, duration, shardGroupDuration, replicaN, default.
        var rows = policies!.Series.SelectMany(s => Enumerable.Range(0, s.Values.Count).Select(i => (
            Name: s.GetString(i, "name") ?? string.Empty,
            Duration: s.GetString(i, "duration"),
            IsDefault: s.Values[i][s.ColumnIndex("default")].ValueKind == JsonValueKind.True))).ToList();
        var rawPolicy = _options.RetentionPolicy ?? rows.FirstOrDefault(r => r.IsDefault).Name;
        if (string.IsNullOrEmpty(rawPolicy) || rows.All(r => r.Name != rawPolicy))
        {
            return new(RetentionSetupStatus.Failed, $"{Where}: the raw retention policy '{rawPolicy}' does not exist on database '{plan.Database}'", changes);
        }

        if (_options.Retention.Enabled)
        {
            var current = Duration(rows.First(r => r.Name == rawPolicy).Duration);
            if (current != plan.Raw)
            {
                var step = await ChangeAsync(plan.AlterPolicy(rawPolicy, plan.Raw), plan, rawPolicy, changes, ct);
                if (step is not null)
                {
                    return step;
                }

                changes.Add($"retention policy '{rawPolicy}' (raw) on '{plan.Database}': {Format(current)} → {InfluxDuration.Format(plan.Raw)}");
            }
        }

        if (_options.Downsampling.Enabled)
        {
            var aggregate = rows.FirstOrDefault(r => r.Name == plan.AggregatePolicy);
            if (aggregate.Name is null)
            {
                var step = await ChangeAsync(plan.CreateAggregatePolicy(), plan, rawPolicy, changes, ct);
                if (step is not null)
                {
                    return step;
                }

                changes.Add($"created retention policy '{plan.AggregatePolicy}' ({InfluxDuration.Format(plan.Aggregates)}) on '{plan.Database}'");
            }
            else if (Duration(aggregate.Duration) != plan.Aggregates)
            {
                var step = await ChangeAsync(plan.AlterPolicy(plan.AggregatePolicy, plan.Aggregates), plan, rawPolicy, changes, ct);
                if (step is not null)
                {
                    return step;
                }

                changes.Add($"retention policy '{plan.AggregatePolicy}' on '{plan.Database}': {Format(Duration(aggregate.Duration))} → {InfluxDuration.Format(plan.Aggregates)}");
            }
        }

        var (queries, cqFailure) = await RunAsync("SHOW CONTINUOUS QUERIES", plan, rawPolicy, ct);
        if (cqFailure is not null)
        {
            return cqFailure with { Changes = changes };
        }

        var ours = queries!.Series.Where(s => s.Name == plan.Database)
            .SelectMany(s => Enumerable.Range(0, s.Values.Count).Select(i => s.GetString(i, "name") ?? string.Empty))
            .Where(n => n.StartsWith(DownsamplingPlan.ContinuousQueryPrefix, StringComparison.Ordinal))
            .ToList();
        var wanted = _options.Downsampling.Enabled ? plan.ContinuousQueryName(rawPolicy) : null;
        foreach (var stale in ours.Where(n => n != wanted))
        {
            var step = await ChangeAsync(plan.DropContinuousQuery(stale), plan, rawPolicy, changes, ct);
            if (step is not null)
            {
                return step;
            }

            changes.Add($"dropped continuous query '{stale}' (no longer configured)");
        }

        if (wanted is not null && !ours.Contains(wanted))
        {
            var step = await ChangeAsync(plan.CreateContinuousQuery(rawPolicy), plan, rawPolicy, changes, ct);
            if (step is not null)
            {
                return step;
            }

            changes.Add($"created continuous query '{wanted}' ({InfluxDuration.Format(plan.Interval)} aggregates of '{rawPolicy}' into '{plan.AggregatePolicy}')");
        }

        var summary = $"raw '{rawPolicy}' {InfluxDuration.Format(plan.Raw)}"
            + (_options.Downsampling.Enabled ? $", aggregates '{plan.AggregatePolicy}' {InfluxDuration.Format(plan.Aggregates)} by continuous query '{wanted}'" : ", no downsampling");
        return changes.Count == 0
            ? new(RetentionSetupStatus.Unchanged, $"{Where}: retention already as configured on '{plan.Database}' ({summary})", changes)
            : new(RetentionSetupStatus.Applied, $"{Where}: {string.Join("; ", changes)} ({summary})", changes);
    }

    /// <summary>Runs a statement that changes something; null when it succeeded, else the result to return.</summary>
    private async Task<RetentionSetupResult?> ChangeAsync(string statement, DownsamplingPlan plan, string rawPolicy, List<string> changes, CancellationToken ct)
    {
        var (_, failure) = await RunAsync(statement, plan, rawPolicy, ct);
        return failure is null ? null : failure with { Changes = changes };
    }

    /// <summary>Runs one InfluxQL statement (POST); on failure a result saying why and, for missing rights, what to run.</summary>
    private async Task<(InfluxQueryResult? Result, RetentionSetupResult? Failure)> RunAsync(string statement, DownsamplingPlan plan, string? rawPolicy, CancellationToken ct)
    {
        var uri = InfluxHttp.Endpoint(_options.Url!, "query");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent([new("q", statement)]) };
        InfluxHttp.Authenticate(request, _options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage response;
        string body;
        try
        {
            response = await _http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new StepTimeoutException(statement);
        }

        using (response)
        {
            string? reason = null;
            if (!response.IsSuccessStatusCode)
            {
                reason = InfluxHttp.ErrorFromBody(body) ?? body.Trim();
            }
            else
            {
                try
                {
                    return (InfluxQueryResult.Parse(body, InfluxEpoch.Milliseconds), null);
                }
                catch (InfluxQueryException e)
                {
                    reason = e.ServerMessage ?? e.Message;
                }
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || IsRightsMessage(reason))
            {
                return (null, new(RetentionSetupStatus.NoRights,
                    $"{Where}: {InfluxHttp.Principal(_options)} may not run '{statement}' ({reason}). Retention and downsampling are not set up; an administrator can run: {string.Join("; ", AdminStatements(plan, rawPolicy))}",
                    []));
            }

            return (null, new(RetentionSetupStatus.Failed, $"{Where} refused '{statement}': {reason}", []));
        }
    }

    private IEnumerable<string> AdminStatements(DownsamplingPlan plan, string? rawPolicy)
    {
        var policy = rawPolicy ?? _options.RetentionPolicy ?? "autogen";
        if (_options.Retention.Enabled)
        {
            yield return plan.AlterPolicy(policy, plan.Raw);
        }

        if (_options.Downsampling.Enabled)
        {
            yield return plan.CreateAggregatePolicy();
            yield return plan.CreateContinuousQuery(policy);
        }
    }

    private static bool IsRightsMessage(string? reason) => reason is not null
        && (reason.Contains("not authorized", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("requires admin", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("authorization failed", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("unauthorized", StringComparison.OrdinalIgnoreCase));

    private static TimeSpan? Duration(string? go) => InfluxDuration.TryParseGo(go, out var d) ? d : null;

    private static string Format(TimeSpan? duration) => duration is { } d ? InfluxDuration.Format(d) : "unknown";

    private async Task<RetentionSetupResult> ApplyV2Async(DownsamplingPlan plan, CancellationToken ct)
    {
        var changes = new List<string>();
        using var client = new InfluxDBClient(new InfluxDBClientOptions(_options.Url!.GetLeftPart(UriPartial.Path).TrimEnd('/'))
        {
            Token = _options.Token,
            Org = _options.Org,
            Timeout = _options.Timeout,
        });
        var step = "looking up the organisation";
        try
        {
            var orgs = await client.GetOrganizationsApi().FindOrganizationsAsync(org: _options.Org, cancellationToken: ct);
            var org = orgs?.FirstOrDefault(o => o.Name == _options.Org);
            if (org is null)
            {
                return new(RetentionSetupStatus.Unavailable, $"{Where}: organisation '{_options.Org}' not found", changes);
            }

            var buckets = client.GetBucketsApi();
            step = $"looking up bucket '{plan.Bucket}'";
            var raw = await buckets.FindBucketByNameAsync(plan.Bucket, ct);
            if (raw is null)
            {
                return new(RetentionSetupStatus.Unavailable, $"{Where}: bucket '{plan.Bucket}' does not exist yet in org '{_options.Org}'", changes);
            }

            if (_options.Retention.Enabled && ExpirySeconds(raw) != (long)plan.Raw.TotalSeconds)
            {
                step = $"setting the retention of bucket '{plan.Bucket}'";
                var before = ExpirySeconds(raw);
                raw.RetentionRules = [Expire(plan.Raw)];
                await buckets.UpdateBucketAsync(raw, ct);
                changes.Add($"bucket '{plan.Bucket}': retention {FormatSeconds(before)} → {InfluxDuration.Format(plan.Raw)}");
            }

            if (_options.Downsampling.Enabled)
            {
                step = $"looking up bucket '{plan.AggregateBucket}'";
                var aggregate = await buckets.FindBucketByNameAsync(plan.AggregateBucket, ct);
                if (aggregate is null)
                {
                    step = $"creating bucket '{plan.AggregateBucket}'";
                    await buckets.CreateBucketAsync(plan.AggregateBucket, Expire(plan.Aggregates), org.Id, ct);
                    changes.Add($"created bucket '{plan.AggregateBucket}' ({InfluxDuration.Format(plan.Aggregates)})");
                }
                else if (ExpirySeconds(aggregate) != (long)plan.Aggregates.TotalSeconds)
                {
                    step = $"setting the retention of bucket '{plan.AggregateBucket}'";
                    var before = ExpirySeconds(aggregate);
                    aggregate.RetentionRules = [Expire(plan.Aggregates)];
                    await buckets.UpdateBucketAsync(aggregate, ct);
                    changes.Add($"bucket '{plan.AggregateBucket}': retention {FormatSeconds(before)} → {InfluxDuration.Format(plan.Aggregates)}");
                }

                var tasks = client.GetTasksApi();
                var flux = plan.FluxTask(_options.Org!);
                step = $"looking up task '{plan.TaskName}'";
                var existing = (await tasks.FindTasksAsync(orgId: org.Id, name: plan.TaskName, cancellationToken: ct)).FirstOrDefault(t => t.Name == plan.TaskName);
                if (existing is null)
                {
                    step = $"creating task '{plan.TaskName}'";
                    await tasks.CreateTaskAsync(new TaskCreateRequest(orgID: org.Id, status: TaskStatusType.Active, flux: flux, description: "Lifeline: 1-minute aggregates of raw readings"), ct);
                    changes.Add($"created task '{plan.TaskName}'");
                }
                else if (!string.Equals(existing.Flux?.Trim(), flux.Trim(), StringComparison.Ordinal) || existing.Status != TaskStatusType.Active)
                {
                    step = $"updating task '{plan.TaskName}'";
                    existing.Flux = flux;
                    existing.Status = TaskStatusType.Active;
                    await tasks.UpdateTaskAsync(existing, ct);
                    changes.Add($"updated task '{plan.TaskName}'");
                }
            }

            var summary = $"bucket '{plan.Bucket}' {InfluxDuration.Format(plan.Raw)}"
                + (_options.Downsampling.Enabled ? $", aggregates in '{plan.AggregateBucket}' {InfluxDuration.Format(plan.Aggregates)} by task '{plan.TaskName}'" : ", no downsampling");
            return changes.Count == 0
                ? new(RetentionSetupStatus.Unchanged, $"{Where}: retention already as configured ({summary})", changes)
                : new(RetentionSetupStatus.Applied, $"{Where}: {string.Join("; ", changes)} ({summary})", changes);
        }
        catch (HttpException e) when (!ct.IsCancellationRequested)
        {
            if (e.Status is 401 or 403)
            {
                return new(RetentionSetupStatus.NoRights,
                    $"{Where}: the configured token may not do this ({step}: {e.Status} {e.Message}). Retention and downsampling are not set up; create bucket '{plan.AggregateBucket}' and the task '{plan.TaskName}' with an all-access token (the README gives the Flux), or give the token write access to buckets and tasks.",
                    changes);
            }

            return e.Status > 0
                ? new(RetentionSetupStatus.Failed, $"{Where} refused ({step}): {e.Status} {e.Message}", changes)
                : new(RetentionSetupStatus.Unavailable, $"{Where} is unreachable ({step}): {InfluxHttp.DescribeTransportFailure(e)}", changes);
        }
    }

    private static BucketRetentionRules Expire(TimeSpan duration) =>
        new(BucketRetentionRules.TypeEnum.Expire, (long)duration.TotalSeconds);

    private static long ExpirySeconds(Bucket bucket) =>
        bucket.RetentionRules?.FirstOrDefault(r => r.Type == BucketRetentionRules.TypeEnum.Expire)?.EverySeconds ?? 0;

    private static string FormatSeconds(long seconds) => InfluxDuration.Format(TimeSpan.FromSeconds(seconds));

    private sealed class StepTimeoutException(string step) : Exception(step);

    private static partial class Log
    {
        [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "InfluxDB retention: {Message}")]
        public static partial void Done(ILogger logger, string message);

        [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "InfluxDB retention not set up ({Status}): {Message}")]
        public static partial void NotDone(ILogger logger, RetentionSetupStatus status, string message);
    }
}
