using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Lifeline.Testing;

/// <summary>
/// A real InfluxDB 1.x server (Debian package <c>influxdb</c>, 1.6.7 here: v1 API only) on free loopback ports, with
/// its meta, data and WAL directories in a temporary folder. Fails loudly when influxd is not installed: tests that need
/// it must not pass without it. Its own helpers (<see cref="ExecuteAsync"/>, <see cref="CountAsync"/>, ...) use plain
/// HTTP, independent of the code under test.
/// </summary>
public sealed class InfluxDbServer : IAsyncDisposable
{
    /// <summary>The admin user created by <see cref="StartAsync"/> when authentication is enabled.</summary>
    public const string AdminUser = "admin";

    /// <summary>The admin user's password.</summary>
    public const string AdminPassword = "admin-secret";

    private static readonly string[] Candidates = ["/usr/bin/influxd", "/usr/local/bin/influxd", "/usr/sbin/influxd"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _directory;
    private readonly bool _authEnabled;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly StringBuilder _output = new();
    private Process? _process;

    private InfluxDbServer(string directory, int port, int rpcPort, bool authEnabled)
    {
        _directory = directory;
        Port = port;
        RpcPort = rpcPort;
        _authEnabled = authEnabled;
        if (authEnabled)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AdminUser}:{AdminPassword}")));
        }
    }

    /// <summary>The HTTP port (<c>/ping</c>, <c>/write</c>, <c>/query</c>) on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The RPC (backup/restore) port, moved off the default 8088 so that servers do not clash.</summary>
    public int RpcPort { get; }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The <c>X-Influxdb-Version</c> the server reported when it became ready.</summary>
    public string? Version { get; private set; }

    /// <summary>The installed influxd.</summary>
    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("InfluxDB is not installed (expected /usr/bin/influxd): apt-get install influxdb influxdb-client");

    /// <summary>
    /// Starts influxd and waits until <c>/ping</c> answers. With <paramref name="authEnabled"/> HTTP authentication is on,
    /// and the admin user <see cref="AdminUser"/>/<see cref="AdminPassword"/> is created (1.x lets the first admin be
    /// created without credentials); this fixture's helpers then authenticate as that admin.
    /// </summary>
    public static async Task<InfluxDbServer> StartAsync(bool authEnabled = false)
    {
        var executable = Executable;
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("lifeline-influxdb-").FullName;
            var server = new InfluxDbServer(directory, FreePort.Next(), FreePort.Next(), authEnabled);
            try
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "influxdb.conf"), server.Configuration());
                await server.StartProcessAsync(executable);
                if (authEnabled)
                {
                    await server.ExecuteAsync($"CREATE USER \"{AdminUser}\" WITH PASSWORD '{AdminPassword}' WITH ALL PRIVILEGES");
                }

                return server;
            }
            catch (PortTakenException) when (attempt < 3)
            {
                // Another process took a port between FreePort.Next() and influxd's bind: try other ports.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills influxd (as a crash or an outage would) and waits for it to exit. Written data stays in the WAL.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>Starts influxd again on the same ports with the same data directory: the data written before survives.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync(Executable);
    }

    /// <summary>Creates a database (idempotent).</summary>
    public Task CreateDatabaseAsync(string name) => ExecuteAsync($"CREATE DATABASE {Identifier(name)}");

    /// <summary>Runs statements with POST (CREATE, DROP, ...); throws with the server's message when one fails.</summary>
    public async Task<JsonDocument> ExecuteAsync(string statements, string? database = null)
    {
        var uri = $"{Url}query" + (database is null ? string.Empty : $"?db={Uri.EscapeDataString(database)}");
        using var content = new FormUrlEncodedContent([new("q", statements)]);
        using var response = await _http.PostAsync(uri, content);
        return await ReadResultAsync(response, statements);
    }

    /// <summary>Runs a query (GET) on <paramref name="database"/> with times as epoch nanoseconds; throws with the server's message when it fails.</summary>
    public async Task<JsonDocument> QueryAsync(string database, string query)
    {
        var uri = $"{Url}query?db={Uri.EscapeDataString(database)}&epoch=ns&q={Uri.EscapeDataString(query)}";
        using var response = await _http.GetAsync(uri);
        return await ReadResultAsync(response, query);
    }

    /// <summary>Writes line protocol with the given v1 precision (<c>n</c>, <c>u</c>, <c>ms</c>, <c>s</c>).</summary>
    public async Task WriteLineProtocolAsync(string database, string lines, string precision = "n")
    {
        using var content = new StringContent(lines, Encoding.UTF8, "text/plain");
        using var response = await _http.PostAsync($"{Url}write?db={Uri.EscapeDataString(database)}&precision={precision}", content);
        if ((int)response.StatusCode != 204)
        {
            throw new InvalidOperationException($"influxd refused a write to '{database}' ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>
    /// The exact number of values of <paramref name="field"/> in <paramref name="measurement"/> (<c>SELECT COUNT(field)</c>),
    /// in the default retention policy or <paramref name="retentionPolicy"/>; 0 when there are none.
    /// </summary>
    public async Task<long> CountAsync(string database, string measurement, string field = "value", string? retentionPolicy = null)
    {
        var source = retentionPolicy is null ? Identifier(measurement) : $"{Identifier(retentionPolicy)}.{Identifier(measurement)}";
        using var document = await QueryAsync(database, $"SELECT COUNT({Identifier(field)}) FROM {source}");
        var result = document.RootElement.GetProperty("results")[0];
        if (!result.TryGetProperty("series", out var series))
        {
            return 0;
        }

        return series[0].GetProperty("values")[0][1].GetInt64();
    }

    /// <summary>The databases on the server.</summary>
    public async Task<IReadOnlyList<string>> DatabasesAsync()
    {
        using var document = await ExecuteAsync("SHOW DATABASES");
        var result = document.RootElement.GetProperty("results")[0];
        return result.TryGetProperty("series", out var series) && series[0].TryGetProperty("values", out var values)
            ? values.EnumerateArray().Select(row => row[0].GetString()!).ToList()
            : [];
    }

    /// <summary>Kills influxd and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Identifier(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static async Task<JsonDocument> ReadResultAsync(HttpResponseMessage response, string statement)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"influxd answered {(int)response.StatusCode} to '{statement}': {body}");
        }

        var document = JsonDocument.Parse(body);
        var error = document.RootElement.TryGetProperty("error", out var top) ? top.GetString()
            : document.RootElement.GetProperty("results").EnumerateArray().Select(r => r.TryGetProperty("error", out var e) ? e.GetString() : null).FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            document.Dispose();
            throw new InvalidOperationException($"influxd refused '{statement}': {error}");
        }

        return document;
    }

    private string Configuration() => $"""
        reporting-disabled = true
        bind-address = "127.0.0.1:{RpcPort}"

        [meta]
          dir = "{Path.Combine(_directory, "meta")}"
          logging-enabled = false

        [data]
          dir = "{Path.Combine(_directory, "data")}"
          wal-dir = "{Path.Combine(_directory, "wal")}"
          query-log-enabled = false
          trace-logging-enabled = false

        [retention]
          enabled = false

        [monitor]
          store-enabled = false

        [http]
          enabled = true
          bind-address = "127.0.0.1:{Port}"
          auth-enabled = {(_authEnabled ? "true" : "false")}
          log-enabled = false
          write-tracing = false
          pprof-enabled = false

        [logging]
          level = "warn"
          suppress-logo = true

        [subscriber]
          enabled = false

        [continuous_queries]
          enabled = false
        """;

    private async Task StartProcessAsync(string executable)
    {
        _process?.Dispose();
        lock (_output)
        {
            _output.Clear();
        }

        var info = new ProcessStartInfo(executable, ["-config", Path.Combine(_directory, "influxdb.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("influxd did not start");
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>Polls <c>/ping</c> until it answers 204, the process exits or the start timeout passes.</summary>
    private async Task WaitUntilReadyAsync()
    {
        using var cts = new CancellationTokenSource(StartTimeout);
        using var ping = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? lastError = null;
        while (true)
        {
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync();
                var message = $"influxd exited with code {_process.ExitCode} while starting on 127.0.0.1:{Port} (RPC {RpcPort}). {Diagnostics()}";
                throw message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
                    ? new PortTakenException(message)
                    : new InvalidOperationException(message);
            }

            try
            {
                using var response = await ping.GetAsync($"{Url}ping", cts.Token);
                if ((int)response.StatusCode == 204)
                {
                    Version = response.Headers.TryGetValues("X-Influxdb-Version", out var v) ? v.FirstOrDefault() : null;
                    return;
                }

                lastError = $"/ping answered {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastError = e.Message;
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
                lastError = "/ping timed out";
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                await Task.Delay(25, cts.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"influxd did not answer /ping on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds:F0} s (last: {lastError}). {Diagnostics()}");
    }

    private string Diagnostics()
    {
        lock (_output)
        {
            return $"influxd exited: {_process?.HasExited}; output: {_output}";
        }
    }
}

/// <summary>A server fixture could not bind the port it was given (taken by another process meanwhile).</summary>
internal sealed class PortTakenException(string message) : Exception(message);
