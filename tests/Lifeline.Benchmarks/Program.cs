using BenchmarkDotNet.Running;
using Lifeline.Benchmarks;

// dotnet run -c Release --project tests/Lifeline.Benchmarks -- ingest [messages] [repeats]   end-to-end harness → markdown report
// dotnet run -c Release --project tests/Lifeline.Benchmarks -- latency                       alarm latency, idle and at city load
// dotnet run -c Release --project tests/Lifeline.Benchmarks -- hot                           BenchmarkDotNet hot paths
// dotnet run -c Release --project tests/Lifeline.Benchmarks -- storage [messages] [repeats]  MQTT → WAL → InfluxDB, beside raw InfluxDB and broker
// dotnet run -c Release --project tests/Lifeline.Benchmarks -- modbus [reads] [repeats] [windowSeconds]  pipelined reads beside raw sockets; poll jitter of 200 slaves
if (args.Length > 0 && args[0] == "ingest")
{
    var messages = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var report = await IngestHarness.RunAsync(messages, repeats, latencySamples: 200);
    var path = Path.Combine(Lifeline.Testing.RepositoryPaths.Root, "artifacts", "benchmarks", "ingest.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine(report);
    Console.WriteLine($"report: {path}");
    return 0;
}

if (args.Length > 0 && args[0] == "latency")
{
    var registry = Lifeline.Assets.AssetRegistryLoader.Load(Lifeline.Testing.RepositoryPaths.Seeds());
    Console.WriteLine(await IngestHarness.LatencyReportAsync(registry, samples: 200));
    return 0;
}

if (args.Length > 0 && args[0] == "storage")
{
    var messages = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
    var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var report = await StorageHarness.RunAsync(messages, repeats);
    var path = Path.Combine(Lifeline.Testing.RepositoryPaths.Root, "artifacts", "benchmarks", "storage.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine(report);
    Console.WriteLine($"report: {path}");
    return 0;
}

if (args.Length > 0 && args[0] == "modbus")
{
    var reads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200_000;
    var repeats = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
    var windowSeconds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 30;
    var report = await ModbusHarness.RunAsync(reads, repeats, windowSeconds);
    var path = Path.Combine(Lifeline.Testing.RepositoryPaths.Root, "artifacts", "benchmarks", "modbus.md");
    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine(report);
    Console.WriteLine($"report: {path}");
    return 0;
}

if (args.Length > 0 && args[0] == "hot")
{
    BenchmarkRunner.Run<HotPathBenchmarks>(args: args[1..]);
    return 0;
}

Console.Error.WriteLine("usage: Lifeline.Benchmarks ingest [messages] [repeats] | storage [messages] [repeats] | modbus [reads] [repeats] [windowSeconds] | latency | hot [BenchmarkDotNet options]");
return 2;
