using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lifeline.Testing;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>
/// The pymodbus 3.0 server script of the Lifeline.Modbus interoperability tests, run with the system Python
/// (<c>/usr/bin/python3</c>: a pyenv <c>python3</c> on PATH cannot see Debian's python3-pymodbus). Fails, never skips,
/// when Python or pymodbus is missing.
/// </summary>
internal sealed class PymodbusSlave : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PymodbusSlave(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PymodbusSlave> StartAsync()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is not installed: apt-get install python3");
        }

        if (!Directory.Exists("/usr/lib/python3/dist-packages/pymodbus"))
        {
            throw new InvalidOperationException($"pymodbus is not installed for {Python}: apt-get install python3-pymodbus");
        }

        var script = Path.Combine(AppContext.BaseDirectory, "Interop", "pymodbus_server.py");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(Python, [script, port.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        var slave = new PymodbusSlave(process, port);
        process.OutputDataReceived += slave.Collect;
        process.ErrorDataReceived += slave.Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(30), slave.Diagnostics);
        }
        catch
        {
            await slave.DisposeAsync();
            throw;
        }

        return slave;
    }

    public string Diagnostics()
    {
        lock (_output)
        {
            return $"{(_process.HasExited ? $"pymodbus exited with {_process.ExitCode}" : "pymodbus runs")}; output: {_output}";
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
