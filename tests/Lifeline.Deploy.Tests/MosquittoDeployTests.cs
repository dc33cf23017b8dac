using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Lifeline.Testing;

namespace Lifeline.Deploy.Tests;

/// <summary>
/// src/deploy/mosquitto: the entrypoint writes the password and ACL files from the environment, and the compose file's
/// mosquitto.conf, with only its paths and listener moved into a temporary folder, runs a real Mosquitto (Debian
/// 2.0.11) that refuses anonymous clients and wrong passwords and carries devices' telemetry to the platform's user.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class MosquittoDeployTests
{
    private static readonly string Entrypoint = Path.Combine(DeployFiles.Root, "src", "deploy", "mosquitto", "entrypoint.sh");
    private static readonly string Conf = Path.Combine(DeployFiles.Root, "src", "deploy", "mosquitto", "mosquitto.conf");

    [Fact]
    public async Task ComposeConfiguration_RunsARealBroker_ThatAuthenticatesTheTwoUsers_AndCarriesTelemetry()
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-deploy-mosquitto-").FullName;
        Process? broker = null;
        try
        {
            // Arrange: the entrypoint as the container runs it, its final command replaced by 'true'.
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            var auth = Path.Combine(directory, "auth");
            var data = Path.Combine(directory, "data");
            Directory.CreateDirectory(data);
            File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);
            var (exitCode, output) = await DeployFiles.RunAsync("sh", [Entrypoint, "true"], environment: Environment(auth));
            exitCode.ShouldBe(0, output);
            File.ReadAllText(Path.Combine(auth, "passwd")).ShouldNotContain("platform-secret");
            File.GetUnixFileMode(Path.Combine(auth, "passwd")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            var port = FreePort.Next();
            var conf = File.ReadAllText(Conf)
                .Replace("/mosquitto/auth", auth, StringComparison.Ordinal)
                .Replace("/mosquitto/data/", data + "/", StringComparison.Ordinal);
            conf = Listener().Replace(conf, $"listener {port} 127.0.0.1");
            var confPath = Path.Combine(directory, "mosquitto.conf");
            await File.WriteAllTextAsync(confPath, conf);
            var log = new StringBuilder();
            broker = Process.Start(new ProcessStartInfo("mosquitto", ["-c", confPath]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })
                ?? throw new InvalidOperationException("mosquitto did not start");
            broker.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            broker.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            broker.BeginOutputReadLine();
            broker.BeginErrorReadLine();
            await FreePort.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(15), () => { lock (log) { return $"mosquitto exited: {broker.HasExited}; output: {log}"; } });

            // Act: the platform's user subscribes as the server does; the devices' user publishes one reading.
            var subscriber = DeployFiles.RunAsync("mosquitto_sub", ["-h", "127.0.0.1", "-p", $"{port}", "-u", "lifeline", "-P", "platform-secret", "-i", "platform-test", "-q", "1", "-t", "lifeline/+/+/telemetry", "-C", "1", "-W", "20", "-v"]);
            var published = await PublishUntilDeliveredAsync(port, subscriber);
            var anonymous = await Publish(port, null, null);
            var wrongPassword = await Publish(port, "devices", "not-the-password");

            // Assert
            published.ExitCode.ShouldBe(0, published.Output);
            published.Output.Trim().ShouldBe("lifeline/site-1/zc-1/telemetry {\"values\":{\"o2\":20.9}}");
            anonymous.ExitCode.ShouldNotBe(0);
            anonymous.Output.ShouldContain("not authorised", Case.Insensitive);
            wrongPassword.ExitCode.ShouldNotBe(0);
            wrongPassword.Output.ShouldContain("not authorised", Case.Insensitive);
        }
        finally
        {
            if (broker is { HasExited: false })
            {
                broker.Kill();
                await broker.WaitForExitAsync();
            }

            broker?.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Entrypoint_WithoutAPassword_StopsNamingTheVariable()
    {
        var directory = Directory.CreateTempSubdirectory("lifeline-deploy-mosquitto-").FullName;
        try
        {
            var environment = Environment(Path.Combine(directory, "auth"));
            environment["MQTT_SIM_PASSWORD"] = null;

            var (exitCode, output) = await DeployFiles.RunAsync("sh", [Entrypoint, "true"], environment: environment);

            exitCode.ShouldNotBe(0);
            output.ShouldContain("MQTT_SIM_PASSWORD is not set");
            File.Exists(Path.Combine(directory, "auth", "passwd")).ShouldBeFalse();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Environment(string auth) => new()
    {
        ["MOSQUITTO_AUTH_DIR"] = auth,
        ["MQTT_PLATFORM_USER"] = "lifeline",
        ["MQTT_PLATFORM_PASSWORD"] = "platform-secret",
        ["MQTT_SIM_USER"] = "devices",
        ["MQTT_SIM_PASSWORD"] = "devices-secret",
    };

    /// <summary>Publishes (QoS 1) every 200 ms until the subscriber has its message: it may not be subscribed yet at first.</summary>
    private static async Task<(int ExitCode, string Output)> PublishUntilDeliveredAsync(int port, Task<(int ExitCode, string Output)> subscriber)
    {
        var deadline = Stopwatch.StartNew();
        while (!subscriber.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var (exitCode, output) = await Publish(port, "devices", "devices-secret");
            exitCode.ShouldBe(0, $"the devices' user could not publish: {output}");
            await Task.WhenAny(subscriber, Task.Delay(200));
        }

        return await subscriber;
    }

    private static Task<(int ExitCode, string Output)> Publish(int port, string? user, string? password)
    {
        var arguments = new List<string> { "-h", "127.0.0.1", "-p", $"{port}", "-q", "1", "-i", $"device-{Guid.NewGuid():N}"[..20], "-t", "lifeline/site-1/zc-1/telemetry", "-m", "{\"values\":{\"o2\":20.9}}" };
        if (user is not null)
        {
            arguments.AddRange(["-u", user, "-P", password!]);
        }

        return DeployFiles.RunAsync("mosquitto_pub", arguments);
    }

    [GeneratedRegex(@"^listener 1883 0\.0\.0\.0$", RegexOptions.Multiline)]
    private static partial Regex Listener();
}
