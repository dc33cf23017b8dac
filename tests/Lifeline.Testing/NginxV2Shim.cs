using System.Diagnostics;
using System.Text;

namespace Lifeline.Testing;

/// <summary>
/// nginx (Debian package) on a free loopback port in front of an <see cref="InfluxDbServer"/>, mapping InfluxDB 2.x's
/// write endpoint <c>/api/v2/write?bucket=db[/rp]&amp;org=&amp;precision=ns|us|ms|s</c> onto 1.x's
/// <c>/write?db=&amp;rp=&amp;precision=n|u|ms|s</c> and passing everything else through (so <c>/api/v2/buckets</c> is
/// 1.x's 404). With it InfluxDB.Client's real v2 write path stores into a real 1.x engine. This is not InfluxDB 2.x:
/// tests using it must say so. Runs as a plain foreground process (no daemon, no master) with every path in a
/// temporary folder; fails loudly when nginx is not installed.
/// </summary>
public sealed class NginxV2Shim : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"];
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private NginxV2Shim(string directory, int port, int influxPort)
    {
        _directory = directory;
        Port = port;
        InfluxPort = influxPort;
    }

    /// <summary>The port nginx listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>The InfluxDB 1.x port requests are passed to.</summary>
    public int InfluxPort { get; }

    /// <summary>The base address for an InfluxDB 2.x client, e.g. <c>http://127.0.0.1:41235</c>.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");

    /// <summary>The installed nginx.</summary>
    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nginx is not installed (expected /usr/sbin/nginx): apt-get install nginx");

    /// <summary>Starts nginx in front of the InfluxDB 1.x HTTP API on 127.0.0.1:<paramref name="influxPort"/>.</summary>
    public static async Task<NginxV2Shim> StartAsync(int influxPort)
    {
        var executable = Executable;
        for (var attempt = 1; ; attempt++)
        {
            var directory = Directory.CreateTempSubdirectory("lifeline-nginx-").FullName;
            var shim = new NginxV2Shim(directory, FreePort.Next(), influxPort);
            try
            {
                await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), shim.Configuration());
                await shim.StartProcessAsync(executable);
                return shim;
            }
            catch (PortTakenException) when (attempt < 3)
            {
                // Another process took the port between FreePort.Next() and nginx's bind: try another.
                await shim.DisposeAsync();
            }
            catch
            {
                await shim.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills nginx and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
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

    private string Configuration()
    {
        var d = _directory;
        return $$"""
            daemon off;
            master_process off;
            worker_processes 1;
            pid {{d}}/nginx.pid;
            error_log {{d}}/error.log warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{d}}/client_body;
              proxy_temp_path {{d}}/proxy;
              fastcgi_temp_path {{d}}/fastcgi;
              uwsgi_temp_path {{d}}/uwsgi;
              scgi_temp_path {{d}}/scgi;
              # Batches of thousands of points are larger than nginx's default 1 MB limit.
              client_max_body_size 64m;
              client_body_buffer_size 1m;
              # v2 spells precisions ns/us/ms/s, v1 n/u/ms/s; 1.6.7 silently takes anything it does not know as ns.
              map $arg_precision $v1_precision { ns n; us u; ms ms; s s; default n; }
              # A v2 bucket "db/rp" (as 1.8's compatibility API names them) is database db, retention policy rp.
              map $arg_bucket $v1_db { ~^(?<d>[^/%]+)(/|%2[Ff]) $d; default $arg_bucket; }
              map $arg_bucket $v1_rp { ~(/|%2[Ff])(?<r>.+)$ $r; default ""; }
              upstream influx1 { server 127.0.0.1:{{InfluxPort}}; keepalive 16; }
              server {
                listen 127.0.0.1:{{Port}};
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                location = /api/v2/write { proxy_pass http://influx1/write?db=$v1_db&rp=$v1_rp&precision=$v1_precision; }
                location / { proxy_pass http://influx1; }
              }
            }
            """;
    }

    private async Task StartProcessAsync(string executable)
    {
        var info = new ProcessStartInfo(executable, ["-p", _directory, "-c", Path.Combine(_directory, "nginx.conf"), "-e", Path.Combine(_directory, "error.log")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await WaitUntilReadyAsync();
    }

    /// <summary>Polls until this nginx answers HTTP (its <c>Server</c> header, so not some other process on the port).</summary>
    private async Task WaitUntilReadyAsync()
    {
        var timeout = TimeSpan.FromSeconds(15);
        using var cts = new CancellationTokenSource(timeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        string? last = null;
        while (true)
        {
            if (_process!.HasExited)
            {
                await _process.WaitForExitAsync();
                var message = $"nginx exited with code {_process.ExitCode} while starting on 127.0.0.1:{Port}. {Diagnostics()}";
                throw message.Contains("Address already in use", StringComparison.OrdinalIgnoreCase)
                    ? new PortTakenException(message)
                    : new InvalidOperationException(message);
            }

            try
            {
                using var response = await http.GetAsync($"{Url}ping", cts.Token);
                if (response.Headers.Server.ToString().StartsWith("nginx", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                last = $"something other than nginx answered (Server: {response.Headers.Server})";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (!cts.IsCancellationRequested)
            {
                last = "timed out";
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

        throw new TimeoutException($"nginx did not answer on 127.0.0.1:{Port} within {timeout.TotalSeconds:F0} s (last: {last}). {Diagnostics()}");
    }

    private string Diagnostics()
    {
        string log;
        try
        {
            var path = Path.Combine(_directory, "error.log");
            log = File.Exists(path) ? File.ReadAllText(path) : "(no error.log)";
        }
        catch (IOException e)
        {
            log = e.Message;
        }

        lock (_output)
        {
            return $"nginx exited: {_process?.HasExited}; output: {_output}; error.log: {log}";
        }
    }
}
