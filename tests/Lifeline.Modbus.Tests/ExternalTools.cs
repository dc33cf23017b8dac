using System.Diagnostics;
using System.Text;
using Lifeline.Testing;

namespace Lifeline.Modbus.Tests;

/// <summary>
/// Independent Modbus implementations from Debian packages. Tests that need them fail, never skip, when they are
/// missing, and say which package to install.
/// </summary>
internal static class ExternalTools
{
    /// <summary>The system Python (not a pyenv shim on PATH, which cannot see Debian's python3-* packages).</summary>
    public const string Python = "/usr/bin/python3";

    public const string Mbpoll = "/usr/bin/mbpoll";

    public static void RequirePymodbus()
    {
        Require(Python, "python3");
        if (!Directory.Exists("/usr/lib/python3/dist-packages/pymodbus"))
        {
            throw new InvalidOperationException("pymodbus is not installed for /usr/bin/python3: apt-get install python3-pymodbus");
        }
    }

    public static void RequireMbpoll() => Require(Mbpoll, "mbpoll");

    /// <summary>Runs a tool to completion; kills it and throws when it outlives <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{executable} {string.Join(' ', start.ArgumentList)} still ran after {timeout.TotalSeconds:F0} s: {await stdout}{await stderr}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static void Require(string executable, string package)
    {
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is not installed: apt-get install {package}");
        }
    }
}

/// <summary>A pymodbus 3.0 server (Interop/pymodbus_server.py, values documented there) on a free loopback port.</summary>
internal sealed class PymodbusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PymodbusServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PymodbusServer> StartAsync()
    {
        ExternalTools.RequirePymodbus();
        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "pymodbus_server.py");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(ExternalTools.Python, [script, port.ToString()])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start");
        var server = new PymodbusServer(process, port);
        process.OutputDataReceived += server.Collect;
        process.ErrorDataReceived += server.Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), server.Diagnostics);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public string Diagnostics()
    {
        lock (_output)
        {
            var state = _process.HasExited ? $"pymodbus exited with {_process.ExitCode}" : "pymodbus runs";
            return $"{state}; output: {_output}";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Collect(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            lock (_output)
            {
                _output.AppendLine(e.Data);
            }
        }
    }
}
