using Lifeline.Alarms;
using Lifeline.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Lifeline.Control.Tests;

public sealed class AddControlTests
{
    [Fact]
    public void AddControl_registers_the_engine_as_an_alarm_observer_without_a_dependency_cycle()
    {
        var journal = Directory.CreateTempSubdirectory("lifeline-control-journal-").FullName;
        try
        {
            AddControl_builds(journal);
        }
        finally
        {
            Directory.Delete(journal, recursive: true);
        }
    }

    [Fact]
    public void The_command_journal_settings_are_validated()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["Assets:Path"] = RepositoryPaths.Seeds();
        builder.Configuration["Control:Journal:MaxBytes"] = "5";
        builder.Services.AddSingleton(Baoshan.Registry);
        builder.AddControl();
        using var host = builder.Build();

        var ex = Should.Throw<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<ControlOptions>>().Value);
        ex.Message.ShouldContain("MaxBytes");
    }

    private static void AddControl_builds(string journal)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration["Assets:Path"] = RepositoryPaths.Seeds();
        builder.Configuration["Control:Journal:Path"] = journal;
        builder.Services.AddSingleton(Baoshan.Registry);
        builder.Services.AddSingleton<Lifeline.Domain.Telemetry.ITelemetrySink>(new NullSink());
        builder.Services.AddLogging();
        builder.AddMqttIngestion();
        builder.AddModbusIngestion();
        builder.Services.AddSingleton<AlarmService>();
        builder.AddControl();
        using var host = builder.Build();

        var alarms = host.Services.GetRequiredService<AlarmService>();
        var engine = host.Services.GetServices<IAlarmObserver>().OfType<InterlockEngine>().ShouldHaveSingleItem();
        engine.Interlocks.Count.ShouldBe(4);
        host.Services.GetServices<IHostedService>().OfType<CommandService>().ShouldHaveSingleItem();
        host.Services.GetRequiredService<Lifeline.Ingestion.Modbus.IModbusCommander>().IsPolled("wwtp1-influent-plc").ShouldBeFalse(); // Modbus:Enabled=false
        host.Services.GetRequiredService<Lifeline.Ingestion.Mqtt.IMqttCommandPublisher>().ShouldNotBeNull();
        alarms.ShouldNotBeNull();
        host.Services.GetRequiredService<CommandJournal>().Directory.ShouldBe(Path.GetFullPath(journal));
    }

    private sealed class NullSink : Lifeline.Domain.Telemetry.ITelemetrySink
    {
        public ValueTask<Task> AcceptAsync(Lifeline.Domain.Telemetry.TelemetryBatch batch, CancellationToken cancellationToken) => ValueTask.FromResult(Task.CompletedTask);

        public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at)
        {
        }
    }
}
