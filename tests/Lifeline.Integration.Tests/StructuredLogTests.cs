using System.Diagnostics;
using System.Text.Json;
using Lifeline.Testing;

namespace Lifeline.Integration.Tests;

/// <summary>The server binary with the JSON console formatter: one JSON object per line, with the message's named properties.</summary>
public sealed class StructuredLogTests
{
    [Fact]
    public async Task JsonConsoleFormatter_FromConfiguration_WritesMessageTemplatesWithNamedProperties()
    {
        // Arrange
        var data = Directory.CreateTempSubdirectory("lifeline-jsonlog-").FullName;
        var mqttPort = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", [
            typeof(Lifeline.Server.LifelineApp).Assembly.Location,
            $"--Assets:Path={RepositoryPaths.Seeds()}", $"--urls=http://127.0.0.1:{FreePort.Next()}", $"--Mqtt:Port={mqttPort}",
            $"--Storage:Wal:Path={Path.Combine(data, "wal")}", $"--Alarms:Journal:Path={Path.Combine(data, "alarms")}",
            $"--Control:Journal:Path={Path.Combine(data, "commands")}", $"--Accounts:Path={Path.Combine(data, "users.json")}",
            $"--Accounts:InitialAdminPasswordFile={Path.Combine(data, "admin-password")}",
            "--Mqtt:ClientId=lifeline-jsonlog",
            "--Logging:Console:FormatterName=json", "--Logging:LogLevel:Default=Information",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the server did not start");
        var seen = new List<string>();
        try
        {
            // Act: read the console until the MQTT client's "connected" event.
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            JsonElement connected = default;
            while (connected.ValueKind == JsonValueKind.Undefined)
            {
                var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                    ?? throw new InvalidOperationException($"the server's output ended: {string.Join('\n', seen)} {await process.StandardError.ReadToEndAsync(cts.Token)}");
                seen.Add(line);
                using var doc = JsonDocument.Parse(line); // every line is one JSON object
                if (doc.RootElement.GetProperty("Category").GetString() == "Lifeline.Ingestion.Mqtt.MqttIngestionService"
                    && doc.RootElement.GetProperty("EventId").GetInt32() == 10)
                {
                    connected = doc.RootElement.Clone();
                }
            }

            // Assert: the template and its properties are separate fields, not only the rendered text.
            connected.GetProperty("LogLevel").GetString().ShouldBe("Information");
            var state = connected.GetProperty("State");
            state.GetProperty("{OriginalFormat}").GetString().ShouldBe("Connected to MQTT broker {Host}:{Port} as {ClientId} (session present: {SessionPresent})");
            state.GetProperty("Host").GetString().ShouldBe("localhost");
            state.GetProperty("Port").GetInt32().ShouldBe(mqttPort);
            state.GetProperty("ClientId").GetString().ShouldBe("lifeline-jsonlog");
            connected.GetProperty("Message").GetString().ShouldBe($"Connected to MQTT broker localhost:{mqttPort} as lifeline-jsonlog (session present: False)");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
