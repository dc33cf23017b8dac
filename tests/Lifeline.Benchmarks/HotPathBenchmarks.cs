using System.Buffers;
using BenchmarkDotNet.Attributes;
using Lifeline.Assets;
using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Mqtt;
using Lifeline.Rules;
using Lifeline.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Lifeline.Benchmarks;

/// <summary>The per-message hot path: parse, validate against the registry, evaluate the rules.</summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private ReadOnlySequence<byte> _payload;
    private string _topic = string.Empty;
    private TelemetryValidator _validator = null!;
    private RuleEngine _rules = null!;
    private Reading[] _readings = [];
    private readonly List<RuleTransition> _transitions = [];

    [GlobalSetup]
    public void Setup()
    {
        var registry = AssetRegistryLoader.Load(RepositoryPaths.Seeds());
        var device = registry.Devices.First(d => d.Location.CabinType == CabinType.Gas);
        _topic = MqttTopics.Telemetry(device.SiteId, device.Id);
        var values = device.Channels.Select(c => new KeyValuePair<string, object>(c.Name, c.Kind == ChannelKind.Boolean ? false : (c.Min + c.Max) / 2.5)).ToList();
        _payload = new ReadOnlySequence<byte>(TelemetryPayloadWriter.ToBytes(1_795_793_718_334, 42, values));
        var options = Options.Create(new IngestionOptions { MaxAge = TimeSpan.FromDays(3650) });
        _validator = new TelemetryValidator(registry, options, new IngestionMetrics(NullLogger<IngestionMetrics>.Instance, TimeProvider.System, options), TimeProvider.System);
        _rules = new RuleEngine(registry);
        _readings = _validator.Validate(_topic, _payload, 1 << 20, 1000)!.Readings.ToArray();
    }

    [Benchmark(Description = "parse one device message")]
    public int Parse() => TelemetryPayloadReader.Parse(_payload).Messages.Count;

    [Benchmark(Description = "parse + validate one device message")]
    public int Validate() => _validator.Validate(_topic, _payload, 1 << 20, 1000)!.Readings.Count;

    [Benchmark(Description = "evaluate rules for one device message")]
    public int Evaluate()
    {
        _transitions.Clear();
        var now = DateTimeOffset.UnixEpoch;
        foreach (var reading in _readings)
        {
            _rules.Evaluate(reading, now, _transitions);
        }

        return _transitions.Count;
    }
}
