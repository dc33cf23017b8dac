using System.CommandLine;
using BenchmarkDotNet.Running;
using Lifeline.Benchmarks;

// dotnet run -c Release --project tests/Lifeline.Benchmarks -- <command> [arguments]; --help lists them.
var root = new RootCommand("Lifeline benchmarks: end-to-end harnesses (markdown reports in artifacts/benchmarks) and BenchmarkDotNet hot paths.");

var ingestMessages = Count("messages", "device messages per run", 100_000);
var ingestRepeats = Count("repeats", "runs (the report gives medians)", 3);
var ingest = new Command("ingest", "MQTT publish → rules evaluated, embedded broker and Mosquitto, beside the raw broker limit; plus alarm latency") { ingestMessages, ingestRepeats };
ingest.SetAction(async (r, _) => await ReportAsync("ingest", await IngestHarness.RunAsync(r.GetValue(ingestMessages), r.GetValue(ingestRepeats), latencySamples: 200)));
root.Subcommands.Add(ingest);

var latency = new Command("latency", "alarm latency, MQTT publish → SignalR, idle and at city load");
latency.SetAction(async (_, _) =>
{
    var registry = Lifeline.Assets.AssetRegistryLoader.Load(Lifeline.Testing.RepositoryPaths.Seeds());
    Console.WriteLine(await IngestHarness.LatencyReportAsync(registry, samples: 200));
    return 0;
});
root.Subcommands.Add(latency);

var storageMessages = Count("messages", "device messages per run", 100_000);
var storageRepeats = Count("repeats", "runs (the report gives medians)", 3);
var storage = new Command("storage", "MQTT QoS 1 → write-ahead log → InfluxDB, beside raw InfluxDB writes and the raw broker") { storageMessages, storageRepeats };
storage.SetAction(async (r, _) => await ReportAsync("storage", await StorageHarness.RunAsync(r.GetValue(storageMessages), r.GetValue(storageRepeats))));
root.Subcommands.Add(storage);

var modbusReads = Count("reads", "reads per pipelining depth and run", 200_000);
var modbusRepeats = Count("repeats", "runs (the report gives medians)", 3);
var modbusWindow = Count("windowSeconds", "length of the poll-jitter window", 30);
var modbus = new Command("modbus", "pipelined Modbus reads beside raw sockets; poll-period jitter of 200 slaves, with and without a dead one") { modbusReads, modbusRepeats, modbusWindow };
modbus.SetAction(async (r, _) => await ReportAsync("modbus", await ModbusHarness.RunAsync(r.GetValue(modbusReads), r.GetValue(modbusRepeats), r.GetValue(modbusWindow))));
root.Subcommands.Add(modbus);

var reportRepeats = IntOption("--repeats", "repeats of every measurement (the report gives medians)", 3);
var reportMessages = IntOption("--storage-messages", "device messages per throughput run", 100_000);
var reportSamples = IntOption("--samples", "alarm latency samples per load and repeat", 300);
var reportWarmup = IntOption("--warmup", "seconds of load before the latency window", 15);
var reportWindow = IntOption("--window", "seconds of the latency and memory window", 30);
var reportSmoke = new Option<bool>("--smoke") { Description = "a quick check (about 2 minutes): 1 repeat, 20,000 messages, 50 samples, 5 s warm-up, 10 s window; overrides the others" };
var report = new Command("report", "the published figures: throughput beside raw InfluxDB and Mosquitto, alarm latency at city load and 10×, memory; pass/fail against the targets → artifacts/benchmarks/report.md")
{
    reportRepeats, reportMessages, reportSamples, reportWarmup, reportWindow, reportSmoke,
};
report.SetAction(async (r, _) =>
{
    var settings = r.GetValue(reportSmoke)
        ? new ReportSettings(1, 20_000, 50, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10))
        : new ReportSettings(r.GetValue(reportRepeats), r.GetValue(reportMessages), r.GetValue(reportSamples), TimeSpan.FromSeconds(r.GetValue(reportWarmup)), TimeSpan.FromSeconds(r.GetValue(reportWindow)));
    if (settings.Repeats < 1 || settings.StorageMessages < 1_000 || settings.LatencySamples < 1 || settings.Warmup < TimeSpan.Zero || settings.Window < TimeSpan.FromSeconds(1))
    {
        Console.Error.WriteLine($"report: need --repeats ≥ 1, --storage-messages ≥ 1000, --samples ≥ 1, --warmup ≥ 0 and --window ≥ 1 (got {settings})");
        return 2;
    }

    return await ReportAsync("report", Lifeline.Benchmarks.Reporting.ReportWriter.Write(await ReportHarness.RunAsync(settings)));
});
root.Subcommands.Add(report);

// One load repeat in a fresh process, started by `report` (so each memory figure is that of one platform).
var childFactor = IntOption("--factor", "multiple of city load", 1);
var childSamples = IntOption("--samples", "latency samples", 300);
var childWarmup = IntOption("--warmup", "seconds of warm-up", 15);
var childWindow = IntOption("--window", "seconds of window", 30);
var childSeed = IntOption("--seed", "seed of the sample order", 1);
var childOut = new Option<string>("--out") { Description = "JSON file to write", Required = true };
var child = new Command("load-repeat", "one load repeat of `report`, as JSON (used by `report`)") { childFactor, childSamples, childWarmup, childWindow, childSeed, childOut };
child.Hidden = true;
child.SetAction(async (r, _) =>
{
    var settings = new ReportSettings(1, 0, r.GetValue(childSamples), TimeSpan.FromSeconds(r.GetValue(childWarmup)), TimeSpan.FromSeconds(r.GetValue(childWindow)));
    await ReportHarness.LoadRepeatToFileAsync(r.GetValue(childFactor), settings, r.GetValue(childSeed), r.GetValue(childOut)!);
    return 0;
});
root.Subcommands.Add(child);

var hotOptions = new Argument<string[]>("options") { Description = "BenchmarkDotNet options, e.g. --job short", Arity = ArgumentArity.ZeroOrMore };
var hot = new Command("hot", "BenchmarkDotNet: payload parsing, validation, rule evaluation") { hotOptions };
hot.TreatUnmatchedTokensAsErrors = false;
hot.SetAction(r =>
{
    BenchmarkRunner.Run<HotPathBenchmarks>(args: [.. r.GetValue(hotOptions) ?? [], .. r.UnmatchedTokens]);
    return 0;
});
root.Subcommands.Add(hot);

return await root.Parse(args).InvokeAsync();

static Argument<int> Count(string name, string description, int defaultValue) => new(name)
{
    Description = description,
    DefaultValueFactory = _ => defaultValue,
    Arity = ArgumentArity.ZeroOrOne,
};

static Option<int> IntOption(string name, string description, int defaultValue) => new(name)
{
    Description = description,
    DefaultValueFactory = _ => defaultValue,
};

static async Task<int> ReportAsync(string name, string report)
{
    var path = Path.Combine(Lifeline.Testing.RepositoryPaths.Root, "artifacts", "benchmarks", $"{name}.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine(report);
    Console.WriteLine($"report: {path}");
    return 0;
}
