using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lifeline.Integration.Tests.Grafana;

/// <summary>
/// Runs dashboard queries as Grafana's InfluxDB data source (InfluxQL mode) would: Grafana's macros and the template
/// variables replaced, POST to <c>/query</c> with the database and an <c>Authorization: Token</c> header. A query passes
/// when InfluxDB answers without error and with at least one series holding values.
/// </summary>
internal sealed partial class InfluxQlChecker(Uri influx, string database, string token) : IDisposable
{
    /// <summary>What <c>$timeFilter</c> becomes: the dashboards' data is recent.</summary>
    public const string TimeFilter = "time > now() - 1h";

    /// <summary>What <c>$__interval</c> and <c>$interval</c> become.</summary>
    public const string Interval = "10s";

    private readonly HttpClient _http = new() { BaseAddress = influx, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// Replaces Grafana's macros and the variables (<c>$name</c>, <c>${name}</c>, <c>[[name]]</c>) by their values, formatted
    /// as Grafana formats a multi-value (or All) selection for InfluxQL: a regex alternation of the escaped values.
    /// Throws for a variable the dashboard does not define.
    /// </summary>
    public static string Substitute(string query, IReadOnlyDictionary<string, IReadOnlyList<string>> variables)
    {
        var text = query
            .Replace("$timeFilter", TimeFilter, StringComparison.Ordinal)
            .Replace("$__interval_ms", "10000", StringComparison.Ordinal)
            .Replace("$__interval", Interval, StringComparison.Ordinal)
            .Replace("$interval", Interval, StringComparison.Ordinal);
        return VariablePattern().Replace(text, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
            if (!variables.TryGetValue(name, out var values))
            {
                throw new InvalidOperationException($"unknown variable ${name}");
            }

            return "(" + string.Join('|', values.Select(EscapeRegex)) + ")";
        });
    }

    /// <summary>Checks every variable query (in order, each with the values of those before) and every query of the dashboard.</summary>
    public async Task<List<string>> CheckAsync(GrafanaDashboard dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var failures = new List<string>();
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var variable in dashboard.Variables)
        {
            var (error, rows) = await RunAsync(variable.Query, values);
            var found = rows.Where(r => r.Count > 1 && r[1] is not null).Select(r => r[1]!).Distinct(StringComparer.Ordinal).ToList();
            if (error is not null || found.Count == 0)
            {
                failures.Add($"{dashboard.File}: variable ${variable.Name}: {error ?? "no values"}\n    {variable.Query}");
                found = ["no-value-of-" + variable.Name];
            }

            values[variable.Name] = found;
        }

        foreach (var query in dashboard.Queries)
        {
            if (await CheckQueryAsync(query.Text, values) is { } failure)
            {
                failures.Add($"{dashboard.File}: {query.Where}: {failure}\n    {query.Text}");
            }
        }

        return failures;
    }

    /// <summary>Null when the query returns data; otherwise why not.</summary>
    public async Task<string?> CheckQueryAsync(string query, IReadOnlyDictionary<string, IReadOnlyList<string>> values)
    {
        var (error, rows) = await RunAsync(query, values);
        return error ?? (rows.Count == 0 ? "no data (no series with values)" : null);
    }

    /// <summary>The values of the variable queries of a dashboard, as <see cref="CheckAsync"/> resolves them.</summary>
    public async Task<Dictionary<string, IReadOnlyList<string>>> VariableValuesAsync(GrafanaDashboard dashboard)
    {
        ArgumentNullException.ThrowIfNull(dashboard);
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var variable in dashboard.Variables)
        {
            var (_, rows) = await RunAsync(variable.Query, values);
            values[variable.Name] = [.. rows.Where(r => r.Count > 1 && r[1] is not null).Select(r => r[1]!).Distinct(StringComparer.Ordinal)];
        }

        return values;
    }

    /// <summary>Runs one query; returns the error (InfluxDB's, HTTP's or a substitution's) or the rows of every series.</summary>
    public async Task<(string? Error, List<List<string?>> Rows)> RunAsync(string query, IReadOnlyDictionary<string, IReadOnlyList<string>> values)
    {
        string text;
        try
        {
            text = Substitute(query, values);
        }
        catch (InvalidOperationException ex)
        {
            return (ex.Message, []);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "query")
        {
            Content = new FormUrlEncodedContent([new("db", database), new("q", text), new("epoch", "ms")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Token", token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ($"InfluxDB did not answer: {ex.Message}", []);
        }

        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            return ($"HTTP {(int)response.StatusCode}: {body}", []);
        }

        using var document = JsonDocument.Parse(body);
        var rows = new List<List<string?>>();
        foreach (var result in document.RootElement.GetProperty("results").EnumerateArray())
        {
            if (result.TryGetProperty("error", out var error))
            {
                return (error.GetString(), []);
            }

            if (!result.TryGetProperty("series", out var series))
            {
                continue;
            }

            foreach (var s in series.EnumerateArray())
            {
                if (s.TryGetProperty("values", out var list))
                {
                    rows.AddRange(list.EnumerateArray().Select(row => row.EnumerateArray().Select(Cell).ToList()));
                }
            }
        }

        return (null, rows);
    }

    public void Dispose() => _http.Dispose();

    private static string? Cell(JsonElement cell) => cell.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => cell.GetString(),
        _ => cell.GetRawText(),
    };

    // As Grafana escapes variable values inside InfluxQL regexes.
    private static string EscapeRegex(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (@"\^$*+?.()|[]{}/".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    [GeneratedRegex(@"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)")]
    private static partial Regex VariablePattern();
}
