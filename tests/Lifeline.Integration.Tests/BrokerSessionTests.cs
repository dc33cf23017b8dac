using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Lifeline.Server;
using Lifeline.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace Lifeline.Integration.Tests;

/// <summary>The platform's own MQTT session against a real Mosquitto: credentials, retained status and last will.</summary>
public sealed class BrokerSessionTests
{
    [Fact]
    public async Task AuthenticatedBroker_RightCredentialsIngest_WrongPasswordIsReportedOnHealth()
    {
        // Arrange
        await using var broker = await MosquittoBroker.StartAsync(user: "lifeline", password: "s3cret-Baoshan");

        // Act
        await using var good = await LifelineServerHost.StartExternalAsync(broker, "--Mqtt:Username=lifeline", "--Mqtt:Password=s3cret-Baoshan");
        await using var device = await TestMqttPublisher.ConnectAsync(broker.Port, "lifeline", "s3cret-Baoshan");
        var controller = good.GasCabinDevice(skip: 9);
        await device.PublishAsync(controller, "o2", 20.7);
        await IngestionTests.WaitForSensorValueAsync(good, controller.SensorId("o2"), 20.7);
        await using var bad = await LifelineServerHost.StartExternalAsync(broker, waitForConnection: false, "--Mqtt:Username=lifeline", "--Mqtt:Password=wrong");
        await IngestionTests.WaitUntilAsync(() => bad.MqttState.LastError is not null, "the refused connection to be reported");

        // Assert: /health says the platform is not receiving telemetry, and why.
        bad.MqttState.IsConnected.ShouldBeFalse();
        var response = await bad.Http.GetAsync("/health");
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.ServiceUnavailable);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var mqtt = health.RootElement.GetProperty("checks").GetProperty("mqtt");
        mqtt.GetProperty("status").GetString().ShouldBe("Unhealthy");
        (mqtt.GetProperty("data").GetProperty("lastError").GetString() ?? string.Empty).ShouldContain("NotAuthorized");
    }

    [Fact]
    public async Task PlatformStatus_IsRetainedOnline_AndLastWillSaysOfflineWhenTheProcessDies()
    {
        // Arrange: the real server binary against Mosquitto, and an observer of its status topic.
        await using var broker = await MosquittoBroker.StartAsync();
        var clientId = "lifeline-will-" + Guid.NewGuid().ToString("N")[..8];
        var statuses = System.Threading.Channels.Channel.CreateUnbounded<string>();
        using var observer = new MqttClientFactory().CreateMqttClient();
        observer.ApplicationMessageReceivedAsync += e =>
        {
            statuses.Writer.TryWrite(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await observer.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("status-observer").Build());
        await observer.SubscribeAsync($"lifeline-platform/{clientId}/status", MqttQualityOfServiceLevel.AtLeastOnce);
        var info = new ProcessStartInfo("dotnet", [typeof(LifelineApp).Assembly.Location, "--Mqtt:Mode=External", "--Mqtt:Host=127.0.0.1",
            $"--Mqtt:Port={broker.Port}", $"--Mqtt:ClientId={clientId}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Assets:Path={RepositoryPaths.Seeds()}",
            $"--Storage:Wal:Path={Path.Combine(Path.GetTempPath(), $"lifeline-wal-{Guid.NewGuid():N}")}",
            $"--Alarms:Journal:Path={Path.Combine(Path.GetTempPath(), $"lifeline-alarms-{Guid.NewGuid():N}")}",
            $"--Control:Journal:Path={Path.Combine(Path.GetTempPath(), $"lifeline-commands-{Guid.NewGuid():N}")}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var server = Process.Start(info)!;
        try
        {
            (await statuses.Reader.WaitForAsync(s => s == "online", "the platform's online status", TimeSpan.FromSeconds(30))).ShouldBe("online");

            // Act: the process dies without a clean disconnect, as in a power cut or a crash.
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();

            // Assert: the broker publishes the last will.
            (await statuses.Reader.WaitForAsync(s => s == "offline", "the last will")).ShouldBe("offline");
        }
        finally
        {
            if (!server.HasExited)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }
}
