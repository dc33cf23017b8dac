using System.Diagnostics;
using System.Text;

namespace Lifeline.Testing;

/// <summary>
/// A real SMTP server for tests: Debian's python3-aiosmtpd on a free loopback port, storing every message it accepts in
/// a Maildir (<c>-c aiosmtpd.handlers.Mailbox</c>). Fails loudly when it cannot start: tests that need it must not pass
/// without it.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private SmtpSink(int port, string directory, Process process)
    {
        Port = port;
        Directory = directory;
        _process = process;
    }

    public const string Host = "127.0.0.1";

    public int Port { get; }

    /// <summary>The Maildir; accepted messages are files in <c>new/</c>.</summary>
    public string Directory { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: apt-get install python3-aiosmtpd");
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("lifeline-smtp-").FullName;
        var mailbox = Path.Combine(directory, "mail");
        var port = FreePort.Next();
        var info = new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"{Host}:{port}", "-c", "aiosmtpd.handlers.Mailbox", mailbox])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("aiosmtpd did not start");
        var sink = new SmtpSink(port, mailbox, process);
        process.ErrorDataReceived += (_, e) => sink.Output(e.Data);
        process.OutputDataReceived += (_, e) => sink.Output(e.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(20), () =>
            {
                lock (sink._output)
                {
                    return $"aiosmtpd exited: {process.HasExited} (is python3-aiosmtpd installed? apt-get install python3-aiosmtpd); output: {sink._output}";
                }
            });
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }

        return sink;
    }

    /// <summary>The raw messages received so far (RFC 5322 text), oldest first.</summary>
    public IReadOnlyList<string> Messages()
    {
        var folder = Path.Combine(Directory, "new");
        return System.IO.Directory.Exists(folder)
            ? System.IO.Directory.GetFiles(folder).Select(f => new FileInfo(f)).OrderBy(f => f.LastWriteTimeUtc).Select(f => File.ReadAllText(f.FullName)).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Path.GetDirectoryName(Directory)!, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Output(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
