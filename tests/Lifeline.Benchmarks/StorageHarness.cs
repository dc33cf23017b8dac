using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Lifeline.Domain.Assets;
using Lifeline.Server;
using Lifeline.Storage.Forwarding;
using Lifeline.Storage.Schema;
using Lifeline.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Lifeline.Benchmarks;

/// <summary>
/// End-to-end storage throughput: device messages published to Mosquitto over QoS 1 until the platform has stored
/// every reading in InfluxDB (write-ahead log, forwarder, InfluxDB 1.x on this machine), beside the raw limits
/// measured in the same run: InfluxDB's write rate for the same points (line protocol, 5,000-point requests, one
/// connection, as the forwarder uses) and Mosquitto's rate to a plain counting subscriber.
/// </summary>
public static class StorageHarness
{
    private const int BatchSize = 5_000;

    public static async Task<string> RunAsync(int messages, int repeats)
    {
        var registry = Lifeline.Assets.AssetRegistryLoader.Load(RepositoryPaths.Seeds());
        var payloads = IngestHarness.BuildPayloads(registry, messages);
        long readings = payloads.Sum(p => p.Readings);
        var perMessage = (double)readings / payloads.Count;
        var influxRaw = new List<double>();
        var brokerRaw = new List<double>();
        var platform = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            influxRaw.Add(await RawInfluxAsync(registry, payloads));
            brokerRaw.Add(await IngestHarness.RawBrokerAsync("Mosquitto 2", payloads) * perMessage);
            platform.Add(await EndToEndAsync(payloads, readings));
            Console.WriteLine($"run {r + 1}: raw InfluxDB {influxRaw[^1]:N0} points/s, raw Mosquitto {brokerRaw[^1]:N0} readings/s, Lifeline end to end {platform[^1]:N0} readings/s");
        }

        var influx = IngestHarness.Median(influxRaw);
        var broker = IngestHarness.Median(brokerRaw);
        var lifeline = IngestHarness.Median(platform);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# Lifeline storage benchmark ({TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, .NET {Environment.Version}; {messages:N0} messages × {perMessage:F1} readings = {readings:N0} readings per run, {repeats} runs, medians.");
        report.AppendLine();
        report.AppendLine("| path | readings/s | Lifeline as share of it |");
        report.AppendLine("|---|---|---|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| raw InfluxDB 1.6.7 writes (same points, {BatchSize:N0}-point requests, 1 connection) | {influx:N0} | {lifeline / influx:P0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| raw Mosquitto 2.0.11, QoS 1 to a counting subscriber | {broker:N0} | {lifeline / broker:P0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| **Lifeline: MQTT QoS 1 publish → write-ahead log (fsync) → InfluxDB** | **{lifeline:N0}** | |");
        return report.ToString();
    }

    private static List<string> LineProtocolBatches(AssetRegistry registry, List<IngestHarness.Payload> payloads)
    {
        var schema = new PointSchema(registry);
        var batches = new List<string>();
        var lines = new StringBuilder();
        var count = 0;
        foreach (var p in payloads)
        {
            count += schema.AppendLineProtocol(p.Batch, lines);
            if (count >= BatchSize)
            {
                batches.Add(lines.ToString());
                lines.Clear();
                count = 0;
            }
        }

        if (count > 0)
        {
            batches.Add(lines.ToString());
        }

        return batches;
    }

    internal static async Task<double> RawInfluxAsync(AssetRegistry registry, List<IngestHarness.Payload> payloads)
    {
        var build = Stopwatch.StartNew();
        var batches = LineProtocolBatches(registry, payloads);
        long points = payloads.Sum(p => p.Readings);
        Console.WriteLine($"schema + line protocol: {points / build.Elapsed.TotalSeconds:N0} points/s on one thread; {batches.Sum(b => (long)b.Length) / points} bytes/point");
        await using var influx = await InfluxDbServer.StartAsync();
        await influx.CreateDatabaseAsync("lifeline");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = influx.Url, Timeout = TimeSpan.FromMinutes(2) };
        var stopwatch = Stopwatch.StartNew();
        foreach (var body in batches)
        {
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            using var response = await http.PostAsync(new Uri("write?db=lifeline&precision=n", UriKind.Relative), content);
            if ((int)response.StatusCode != 204)
            {
                throw new InvalidOperationException($"raw write refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        return points / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>The platform on an external broker and InfluxDB 1.x, with its own write-ahead log, journals and users.</summary>
    internal static string[] PlatformArguments(int httpPort, int mqttPort, string wal, string accountsPath, Uri influxUrl) =>
    [
        $"--urls=http://127.0.0.1:{httpPort}",
        $"--Assets:Path={RepositoryPaths.Seeds()}",
        "--Mqtt:Mode=External",
        "--Mqtt:Host=127.0.0.1",
        $"--Mqtt:Port={mqttPort}",
        $"--Storage:Wal:Path={wal}",
        $"--Alarms:Journal:Path={wal}-alarms",
        $"--Control:Journal:Path={wal}-commands",
        $"--Accounts:Path={accountsPath}",
        $"--Influx:Url={influxUrl}",
        "--Influx:ApiVersion=V1",
        "--Influx:Database=lifeline",
    ];

    internal static async Task<double> EndToEndAsync(List<IngestHarness.Payload> payloads, long readings)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync();
        await using var influx = await InfluxDbServer.StartAsync();
        var wal = IngestHarness.TempWal();
        var accounts = await IngestHarness.TempAccountsAsync();
        var app = LifelineApp.Build([.. PlatformArguments(FreePort.Next(), mosquitto.Port, wal, accounts.Path, influx.Url), "--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            var state = app.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.MqttConnectionState>();
            var forwarder = app.Services.GetRequiredService<StorageForwarder>();
            while (!state.IsConnected || forwarder.Status.Connection is null)
            {
                await Task.Delay(10);
            }

            var start = forwarder.Status.PointsWritten;
            var done = IngestHarness.WaitForAsync(() => forwarder.Status.PointsWritten - start >= readings);
            var seconds = await IngestHarness.PublishAllAsync(mosquitto.Port, payloads, done, () => $"stored {forwarder.Status.PointsWritten - start:N0} of {readings:N0} readings; {forwarder.Status.State} {forwarder.Status.LastError}");

            // The figure counts only if InfluxDB holds exactly what was published.
            long stored = 0;
            foreach (var measurement in new[] { "tunnel_env", "tunnel_equipment", "gas", "sewage", "unregistered" })
            {
                stored += await influx.CountAsync("lifeline", measurement);
            }

            if (stored != readings)
            {
                throw new InvalidOperationException($"InfluxDB holds {stored:N0} points, {readings:N0} readings were published");
            }

            return readings / seconds;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(wal, recursive: true);
        }
    }
}
