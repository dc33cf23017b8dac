using System.Diagnostics;
using System.Text;

namespace Lifeline.Testing;

/// <summary>
/// A real Redis server (Debian package redis-server) on a free loopback port, in its own temporary folder, with no
/// persistence. Fails loudly when Redis is not installed: tests that need it must not pass without it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"];
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public const string Host = "127.0.0.1";

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string of this server.</summary>
    public string ConnectionString => $"{Host}:{Port}";

    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Redis is not installed (expected /usr/bin/redis-server): apt-get install redis-server");

    public static async Task<RedisServer> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-redis-").FullName;
        var server = new RedisServer(FreePort.Next(), directory);
        var info = new ProcessStartInfo(Executable, [
            "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", Host,
            "--dir", directory,
            "--save", string.Empty,
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "yes",
        ])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        server._process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start");
        server._process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        server._process.OutputDataReceived += (_, e) => server.Append(e.Data);
        server._process.BeginErrorReadLine();
        server._process.BeginOutputReadLine();
        try
        {
            await FreePort.WaitUntilListeningAsync(server.Port, TimeSpan.FromSeconds(15), () => $"redis-server exited: {server._process.HasExited}; output: {server.Output}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

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
    }
}
