using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Modbus;
using Lifeline.Simulation.Tests.Publishing;
using Lifeline.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifeline.Simulation.Tests.Modbus;

/// <summary><c>AddSimulator</c> with the Modbus slaves: options, and one transport per device.</summary>
public sealed class SimulatorModbusHostingTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "true", true)]
    [InlineData("false", "true", false)]
    [InlineData("true", null, true)]
    public void Modbus_Slaves_Follow_The_Poller_Unless_Set(string? slaves, string? poller, bool expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Modbus:Enabled"] = slaves,
            ["Modbus:Enabled"] = poller,
        });

        builder.AddSimulator();
        using var host = builder.Build();

        host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Modbus.Enabled.ShouldBe(expected);
    }

    [Fact]
    public void Options_Bind_And_The_Profile_File_Defaults_Like_The_Poller()
    {
        var assets = Directory.CreateTempSubdirectory("lifeline-simmb-").FullName;
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Assets:Path"] = assets,
                ["Simulator:Modbus:PortOffset"] = "100",
                ["Simulator:Modbus:Ports:gas-gate-rtu"] = "0",
                ["Simulator:Modbus:BindAddress"] = "0.0.0.0",
                ["Simulator:Modbus:UpdateInterval"] = "00:00:00.250",
            });

            builder.AddSimulator();
            using var host = builder.Build();

            var modbus = host.Services.GetRequiredService<IOptions<SimulatorOptions>>().Value.Modbus;
            modbus.Path.ShouldBe(Path.Combine(assets, "modbus.yaml"));
            modbus.PortOffset.ShouldBe(100);
            modbus.Ports.ShouldBe(new Dictionary<string, int> { ["gas-gate-rtu"] = 0 });
            modbus.BindAddress.ShouldBe("0.0.0.0");
            modbus.UpdateInterval.ShouldBe(TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            Directory.Delete(assets, recursive: true);
        }
    }

    [Fact]
    public async Task Invalid_Modbus_Settings_Fail_Start_Up()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:Modbus:Enabled"] = "true",
            ["Simulator:Modbus:BindAddress"] = "not an address",
            ["Simulator:Modbus:Ports:gas-gate-rtu"] = "70000",
            ["Simulator:ScenarioSet"] = "none",
        });
        builder.Services.AddSingleton(TestRegistry.Create());
        builder.AddSimulator();
        using var host = builder.Build();

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        ex.Message.ShouldContain("Simulator:Modbus:BindAddress");
        ex.Message.ShouldContain("Simulator:Modbus:Ports:gas-gate-rtu");
    }

    [Fact(Timeout = 120_000)]
    public async Task Modbus_Devices_Are_Served_Over_Modbus_And_Not_Published_Over_Mqtt()
    {
        await using var broker = await EmbeddedBroker.StartAsync();
        await broker.SubscribeAsync();
        var zc = Baoshan.ZoneController;
        var modbusPort = FreePort.Next();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Simulator:Enabled"] = "true",
            ["Simulator:RatePerDevice"] = "10",
            ["Simulator:Devices:0"] = "gas-gate-rtu",
            ["Simulator:Devices:1"] = zc.Id,
            ["Simulator:ScenarioSet"] = "none",
            ["Simulator:Modbus:Path"] = Baoshan.ProfileFile,
            ["Modbus:Enabled"] = "true",
            ["Simulator:Modbus:Ports:gas-gate-rtu"] = modbusPort.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:Host"] = "127.0.0.1",
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        });
        builder.Services.AddSingleton(Baoshan.Registry);
        builder.AddSimulator();
        using var host = builder.Build();

        await host.StartAsync(TestContext.Current.CancellationToken);
        try
        {
            await FreePort.WaitUntilListeningAsync(modbusPort, TimeSpan.FromSeconds(30));
            await using var client = await ModbusTcpClient.ConnectAsync("127.0.0.1", modbusPort, new ModbusTcpClientOptions { RequestTimeout = TimeSpan.FromSeconds(2) });

            // The slave answers once its simulated device is online (an offline device is not answered, like a dead one).
            var waited = System.Diagnostics.Stopwatch.StartNew();
            ushort[] registers;
            while (true)
            {
                try
                {
                    registers = await client.ReadInputRegistersAsync(1, 4, 1);
                    break;
                }
                catch (ModbusTimeoutException) when (waited.Elapsed < TimeSpan.FromSeconds(60))
                {
                }
            }

            var lel = new ModbusValueFormat(ModbusDataType.UInt16, Scale: 0.1).Decode(registers);
            Baoshan.Registry.Devices.Single(d => d.Id == "gas-gate-rtu").TryGetChannel("lel", out var channel).ShouldBeTrue();
            channel!.IsInPhysicalRange(lel).ShouldBeTrue();

            var zcTelemetry = MqttTopicsOf(zc, "telemetry");
            (await broker.WaitUntilAsync(r => r.Count(m => m.Topic == zcTelemetry) >= 5, TimeSpan.FromSeconds(30)))
                .ShouldBeTrue("the zone controller, not in modbus.yaml, publishes over MQTT");
        }
        finally
        {
            await host.StopAsync(TestContext.Current.CancellationToken);
        }

        broker.Received.ShouldNotContain(m => m.Topic.Contains("/gas-gate-rtu/", StringComparison.Ordinal), "a device served over Modbus publishes nothing over MQTT");
        await Should.ThrowAsync<ModbusConnectionException>(() => ModbusTcpClient.ConnectAsync("127.0.0.1", modbusPort), "the slaves stop with the host");
    }

    private static string MqttTopicsOf(Device device, string kind) => $"lifeline/{device.SiteId}/{device.Id}/{kind}";
}
