using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Modbus.Ingestion.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Lifeline.Modbus.Ingestion.Tests.Support.PollerRegistry;

namespace Lifeline.Modbus.Ingestion.Tests;

/// <summary><c>AddModbusIngestion</c> on a real host: off by default, fails fast on a broken profile, polls when enabled.</summary>
public sealed class ModbusIngestionExtensionsTests
{
    [Fact(Timeout = 60_000)]
    public async Task Disabled_ByDefault_NothingPolled_StateEmpty()
    {
        var builder = Builder(CreateRegistry("off"), new RecordingSink(), []);

        builder.AddModbusIngestion();
        using var host = builder.Build();
        await host.StartAsync();

        host.Services.GetRequiredService<IOptions<ModbusOptions>>().Value.Enabled.ShouldBeFalse();
        host.Services.GetRequiredService<ModbusPollPlan>().ShouldBeSameAs(ModbusPollPlan.Empty);
        var state = host.Services.GetRequiredService<ModbusPollerState>();
        (state.IsRunning, state.Devices.Count).ShouldBe((false, 0));
        await host.StopAsync();
    }

    [Fact]
    public void Enabled_BrokenProfile_FailsAtRegistration_WithEveryError()
    {
        var registry = CreateRegistry("bad");
        var text = PollerDecodingTests.Document(["a: {table: input_register, address: 70000, type: uint16}"], "200ms", (DeviceId("bad", 1), 15020));
        using var file = new TempYaml(text);
        var builder = Builder(registry, new RecordingSink(), new() { ["Modbus:Enabled"] = "true", ["Modbus:Path"] = file.Path });

        var ex = Should.Throw<AssetRegistryException>(() => builder.AddModbusIngestion());

        ex.Errors.ShouldBe([$"{file.Path}: profiles.{Model}.channels.a: address 70000 out of range 0..65535 (line {ProfileDocuments.LineOf(text, "a: {")})"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task Enabled_ProfileNextToTheRegistry_PollsIntoTheSink()
    {
        await using var slave = await TestSlave.StartAsync();
        slave.Store.SetInputRegisters(0, 42);
        var id = DeviceId("on", 1);
        var registry = CreateRegistry("on");
        using var file = new TempYaml(PollerDecodingTests.Document(["a: {table: input_register, address: 0, type: uint16}"], "200ms", (id, slave.Port)));
        var sink = new RecordingSink();
        var builder = Builder(registry, sink, new() { ["Modbus:Enabled"] = "true", ["Assets:Path"] = file.Directory });

        builder.AddModbusIngestion();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await sink.WaitUntilAsync(s => s.Batches(id).Count >= 2, TimeSpan.FromSeconds(20), "two polls");

            sink.Latest(id)["a"].ShouldBe(42);
            var state = host.Services.GetRequiredService<ModbusPollerState>();
            state.IsRunning.ShouldBeTrue();
            state.Snapshot().Select(d => (d.DeviceId, d.Endpoint, d.Connected)).ShouldBe([(id, $"127.0.0.1:{slave.Port}/1", true)]);
        }
        finally
        {
            await host.StopAsync();
        }

        host.Services.GetRequiredService<ModbusPollerState>().IsRunning.ShouldBeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task InvalidOption_StopsStartWithTheReason()
    {
        var builder = Builder(CreateRegistry("opt"), new RecordingSink(), new() { ["Modbus:RequestTimeout"] = "00:00:00" });

        builder.AddModbusIngestion();
        using var host = builder.Build();

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());
        ex.Failures.ShouldContain(f => f.Contains(nameof(ModbusOptions.RequestTimeout), StringComparison.Ordinal));
    }

    [Fact]
    public void ProfilePath_ModbusPathWins_ElseNextToTheRegistry()
    {
        var root = Path.GetTempPath();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Assets:Path"] = Path.Combine(root, "seeds", "x") }).Build();

        ModbusIngestionExtensions.ProfilePath(null, config).ShouldBe(Path.Combine(root, "seeds", "x", "modbus.yaml"));
        ModbusIngestionExtensions.ProfilePath(Path.Combine(root, "m.yaml"), config).ShouldBe(Path.Combine(root, "m.yaml"));
        ModbusIngestionExtensions.ProfilePath("no/such/dir/m.yaml", config).ShouldBe(Path.Combine(AppContext.BaseDirectory, "no/such/dir/m.yaml"));
    }

    private static AssetRegistry CreateRegistry(string prefix) => Create(prefix, 1, ("a", Wide));

    private static HostApplicationBuilder Builder(AssetRegistry registry, ITelemetrySink sink, Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(sink);
        return builder;
    }
}
