using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Microsoft.Extensions.Options;

using Lifeline.Testing;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>The real <see cref="ModbusPollerService"/> over a plan loaded from YAML, feeding a <see cref="RecordingSink"/>.</summary>
internal sealed class PollerHarness : IAsyncDisposable
{
    private readonly ModbusPollerService _service;

    private PollerHarness(ModbusPollPlan plan, ModbusPollerService service, RecordingSink sink, ModbusPollerState state, ModbusMetrics metrics, CapturingLogger<ModbusPollerService> logger)
    {
        Plan = plan;
        _service = service;
        Sink = sink;
        State = state;
        Metrics = metrics;
        Logger = logger;
    }

    public ModbusPollPlan Plan { get; }

    public RecordingSink Sink { get; }

    public ModbusPollerState State { get; }

    public ModbusMetrics Metrics { get; }

    public CapturingLogger<ModbusPollerService> Logger { get; }

    /// <summary>Options for tests: short timeouts, no retry delay worth speaking of, a short circuit break.</summary>
    public static ModbusOptions FastOptions(TimeSpan requestTimeout) => new()
    {
        Enabled = true,
        RequestTimeout = requestTimeout,
        ConnectTimeout = requestTimeout,
        Retries = 1,
        RetryDelay = TimeSpan.FromMilliseconds(20),
        FailuresBeforeCommLoss = 3,
        BreakDuration = TimeSpan.FromMilliseconds(500),
        BreakerSamplingDuration = TimeSpan.FromSeconds(5),
        LogInterval = TimeSpan.FromSeconds(10),
    };

    public static async Task<PollerHarness> StartAsync(AssetRegistry registry, string yaml, ModbusOptions options)
    {
        using var file = new TempYaml(yaml);
        var plan = ModbusProfileLoader.Load(file.Path, registry);
        var sink = new RecordingSink();
        var state = new ModbusPollerState();
        var metrics = new ModbusMetrics();
        var logger = new CapturingLogger<ModbusPollerService>();
        var service = new ModbusPollerService(plan, sink, state, metrics, Options.Create(options), TimeProvider.System, logger);
        await service.StartAsync(CancellationToken.None);
        return new PollerHarness(plan, service, sink, state, metrics, logger);
    }

    public ModbusDeviceSnapshot Device(string id) =>
        State.TryGet(id, out var state) ? state.Snapshot() : throw new InvalidOperationException($"{id} is not polled");

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _service.StopAsync(cts.Token);
        _service.Dispose();
        Metrics.Dispose();
    }
}

/// <summary>A YAML text in a temporary file, deleted on dispose.</summary>
internal sealed class TempYaml : IDisposable
{
    public TempYaml(string text, string name = "modbus.yaml")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("lifeline-modbus-").FullName;
        Path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(Path, text);
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary file is harmless.
        }
    }
}
