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

static async Task<int> ReportAsync(string name, string report)
{
    var path = Path.Combine(Lifeline.Testing.RepositoryPaths.Root, "artifacts", "benchmarks", $"{name}.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine(report);
    Console.WriteLine($"report: {path}");
    return 0;
}
