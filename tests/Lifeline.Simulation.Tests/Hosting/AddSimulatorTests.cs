using Lifeline.Domain.Assets;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Tests.Publishing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Tests.Hosting;

public sealed class AddSimulatorTests
{
    [Fact]
    public void Disabled_By_Default_Registers_No_Hosted_Service()
    {
        var builder = Host.CreateApplicationBuilder();

        builder.AddSimulator();
        using var host = builder.Build();

        host.Services.GetServices<IHostedService>().ShouldNotContain(s => s.GetType().Name == "SimulatorHostedService");
        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        options.Enabled.ShouldBeFalse();
        options.Seed.ShouldBe(42);
        options.RatePerDevice.ShouldBe(1);
        options.Connections.ShouldBe(4);
        host.Services.GetRequiredService<TimeProvider>().ShouldBe(TimeProvider.System);
    }

    [Fact]
    public void Options_Bind_From_Configuration()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Seed"] = "7",
            ["Simulator:RatePerDevice"] = "2.5",
            ["Simulator:Scenarios:0"] = "gas-leak@z+1s",
            ["Simulator:Devices:0"] = "yongchang-rd",
            ["Simulator:ScenarioSet"] = "none",
            ["Mqtt:Port"] = "1884",
        });

        builder.AddSimulator();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value;
        options.Seed.ShouldBe(7);
        options.RatePerDevice.ShouldBe(2.5);
        options.Scenarios.ShouldBe(["gas-leak@z+1s"]);
        options.Devices.ShouldBe(["yongchang-rd"]);
        host.Services.GetRequiredService<IOptions<SimulatorMqttOptions>>().Value.Port.ShouldBe(1884);
        host.Services.GetRequiredService<IOptions<SimulatorMqttOptions>>().Value.Host.ShouldBe("localhost");
    }

    [Fact]
    public async Task Invalid_Scenario_Spec_Fails_Start_Up()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:Scenarios:0"] = "gas-leek@z+1s",
        });
        builder.Services.AddSingleton(TestRegistry.Create());
        builder.AddSimulator();
        using var host = builder.Build();

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        ex.Message.ShouldContain("unknown scenario 'gas-leek'");
    }

    [Fact]
    public async Task Enabled_Starts_Without_A_Broker_Then_Publishes_Once_It_Is_Up()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        var port = broker.Port;
        await broker.StopServerAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:RatePerDevice"] = "10",
            ["Simulator:Devices:0"] = TestRegistry.GasCabin,
            ["Simulator:ScenarioSet"] = "none",
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Services.AddSingleton(TestRegistry.Create());
        builder.AddSimulator();
        using var host = builder.Build();

        // Start-up does not wait for the broker.
        await host.StartAsync(TestContext.Current.CancellationToken);
        await broker.StartServerAsync();
        await broker.SubscribeAsync();
        var arrived = await broker.WaitUntilAsync(r => r.Select(m => m.Topic).Where(t => t.EndsWith("/telemetry", StringComparison.Ordinal)).Distinct().Count() == 5, TimeSpan.FromSeconds(30));
        await host.StopAsync(TestContext.Current.CancellationToken);

        arrived.ShouldBeTrue();
        host.Services.GetRequiredService<SimulatorCounters>().Sent.ShouldBeGreaterThan(0);
        broker.Received.ShouldAllBe(m => m.Topic.StartsWith("lifeline/yongchang-rd/yongchang-rd-trunk-gas-", StringComparison.Ordinal));
    }
}
