using System.Diagnostics;
using System.Text;

namespace Lifeline.Testing;

/// <summary>
/// A real Mosquitto broker (Debian package) on a free loopback port with its own configuration, for integration
/// tests and benchmarks. Fails loudly when Mosquitto is not installed: tests that need it must not pass without it.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private static readonly string[] Candidates = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];
    private readonly string _directory;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private MosquittoBroker(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    public const string Host = "127.0.0.1";

    public static string Executable =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Mosquitto is not installed (expected /usr/sbin/mosquitto): apt-get install mosquitto mosquitto-clients");

    /// <summary>Starts a broker; with <paramref name="user"/> and <paramref name="password"/> it refuses anonymous clients.</summary>
    public static async Task<MosquittoBroker> StartAsync(int? port = null, string? user = null, string? password = null)
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-mosquitto-").FullName;
        var broker = new MosquittoBroker(port ?? FreePort.Next(), directory);
        var access = "allow_anonymous true";
        if (user is not null && password is not null)
        {
            var passwd = Path.Combine(directory, "passwd");
            using var tool = Process.Start(new ProcessStartInfo("mosquitto_passwd", ["-b", "-c", passwd, user, password]) { UseShellExecute = false })
                ?? throw new InvalidOperationException("mosquitto_passwd did not start");
            await tool.WaitForExitAsync();

            // Mosquitto started as root reads the password file after dropping to its own user.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                File.SetUnixFileMode(passwd, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            access = $"allow_anonymous false\npassword_file {passwd}";
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "mosquitto.conf"), $"""
            listener {broker.Port} 127.0.0.1
            {access}
            persistence false
            # Sized deliberately: the default 1000 drops QoS 1 messages for a subscriber that falls behind.
            max_queued_messages 1000000
            max_inflight_messages 1000
            log_dest stderr
            log_type error
            log_type warning
            """);
        await broker.StartProcessAsync();
        return broker;
    }

    /// <summary>Kills the broker (as a crash would) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    /// <summary>Starts the broker again on the same port.</summary>
    public Task RestartAsync() => StartProcessAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        _process?.Dispose();
        var info = new ProcessStartInfo(Executable, ["-c", Path.Combine(_directory, "mosquitto.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto did not start");
        _process.ErrorDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.OutputDataReceived += (_, e) => { lock (_output) { _output.AppendLine(e.Data); } };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(15), () =>
        {
            lock (_output)
            {
                return $"mosquitto exited: {_process.HasExited}; output: {_output}";
            }
        });
    }
}
