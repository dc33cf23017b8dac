using System.CommandLine;
using System.Globalization;
using Lifeline.Assets;
using Lifeline.Domain.Assets;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Simulation;
using Lifeline.Simulation.Modbus;
using Lifeline.Simulation.Publishing;
using Lifeline.Simulation.Scenarios;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.FirmwareSim;

/// <summary>
/// <c>lifeline-firmware-sim [--seeds DIR] [--host H] [--port N] [--username U] [--seed N] [--rate R] [--devices PREFIX]...
/// [--scenario SPEC]... [--scenario-set NAME] [--duration D] [--connections N] [--modbus [--modbus-port-offset N]]</c>
/// </summary>
internal static class FirmwareSimCommand
{
    public const int ExitBadInput = 2;

    /// <summary>The environment variable holding the MQTT password (never a command-line argument: those are visible to every user).</summary>
    public const string PasswordVariable = "LIFELINE_SIM_MQTT_PASSWORD";

    public static RootCommand Create()
    {
        var seeds = new Option<string?>("--seeds") { Description = "Seed directory of the city (default: seeds/baoshan, looked for upwards from the current directory)" };
        var host = new Option<string>("--host") { Description = "MQTT broker host", DefaultValueFactory = _ => "localhost" };
        var port = new Option<int>("--port") { Description = "MQTT broker port", DefaultValueFactory = _ => 1883 };
        var username = new Option<string?>("--username") { Description = $"MQTT user name; the password is read from the environment variable {PasswordVariable}" };
        var seed = new Option<int>("--seed") { Description = "Seed of the signal generator: same seed, same values", DefaultValueFactory = _ => 42 };
        var rate = new Option<double>("--rate") { Description = "Telemetry messages per second per device", DefaultValueFactory = _ => 1.0 };
        var devices = new Option<string[]>("--devices") { Description = "Simulate only devices whose id starts with one of these prefixes", AllowMultipleArgumentsPerToken = true };
        var scenario = new Option<string[]>("--scenario") { Description = $"Scenario spec {ScenarioSpec.Grammar} (repeatable); names: {string.Join(", ", ScenarioNames.All)}" };
        var scenarioSet = new Option<string?>("--scenario-set") { Description = "Scenario set from <seeds>/scenarios.yaml ('demo' when no --scenario is given; 'none' for no scenarios)" };
        var duration = new Option<string?>("--duration") { Description = $"Stop after this long ({DurationText.Examples}); default: until Ctrl+C" };
        var connections = new Option<int>("--connections") { Description = "MQTT connections the devices are spread over", DefaultValueFactory = _ => 4 };
        var modbus = new Option<bool>("--modbus") { Description = $"Serve the devices of <seeds>/{ModbusProfileLoader.FileName} as Modbus TCP slaves on their endpoints (instead of MQTT)" };
        var modbusPortOffset = new Option<int>("--modbus-port-offset") { Description = $"With --modbus: added to every port of {ModbusProfileLoader.FileName}", DefaultValueFactory = _ => 0 };

        var root = new RootCommand("Lifeline firmware simulator: publishes simulated telemetry of the city's devices over MQTT, with injected scenarios.")
        {
            seeds, host, port, username, seed, rate, devices, scenario, scenarioSet, duration, connections, modbus, modbusPortOffset,
        };
        root.SetAction(async (result, cancellationToken) =>
        {
            TimeSpan? runFor = null;
            if (result.GetValue(duration) is { } d)
            {
                if (!DurationText.TryParse(d, out var parsed) || parsed <= TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"--duration '{d}': expected a duration such as {DurationText.Examples}");
                    return ExitBadInput;
                }

                runFor = parsed;
            }

            var options = new SimulatorOptions
            {
                Enabled = true,
                Seed = result.GetValue(seed),
                RatePerDevice = result.GetValue(rate),
                Connections = result.GetValue(connections),
                ScenarioSet = result.GetValue(scenarioSet),
            };
            options.Modbus.Enabled = result.GetValue(modbus);
            options.Modbus.PortOffset = result.GetValue(modbusPortOffset);
            foreach (var s in result.GetValue(scenario) ?? [])
            {
                options.Scenarios.Add(s);
            }

            foreach (var p in result.GetValue(devices) ?? [])
            {
                options.Devices.Add(p);
            }

            var user = result.GetValue(username);
            var password = Environment.GetEnvironmentVariable(PasswordVariable);
            if (!string.IsNullOrEmpty(user) && string.IsNullOrEmpty(password))
            {
                await Console.Error.WriteLineAsync($"--username '{user}': set the password in the environment variable {PasswordVariable}");
                return ExitBadInput;
            }

            var settings = new PublisherSettings
            {
                Host = result.GetValue(host) ?? "localhost",
                Port = result.GetValue(port),
                Username = user,
                Password = string.IsNullOrEmpty(user) ? null : password,
                RatePerDevice = options.RatePerDevice,
                Connections = options.Connections,
            };
            return await RunAsync(result.GetValue(seeds), options, settings, runFor, cancellationToken);
        });
        return root;
    }

    private static async Task<int> RunAsync(string? seedsOption, SimulatorOptions options, PublisherSettings settings, TimeSpan? runFor, CancellationToken cancellationToken)
    {
        if (!(options.RatePerDevice > 0 && options.RatePerDevice <= 1000) || options.Connections < 1 || settings.Port is < 1 or > 65535
            || options.Modbus.PortOffset is < -65535 or > 65535)
        {
            await Console.Error.WriteLineAsync("--rate must be in (0, 1000], --connections at least 1, --port in 1–65535 and --modbus-port-offset in ±65535");
            return ExitBadInput;
        }

        var seedsDirectory = seedsOption ?? FindSeeds(Directory.GetCurrentDirectory());
        if (seedsDirectory is null || !Directory.Exists(seedsDirectory))
        {
            await Console.Error.WriteLineAsync($"Seed directory not found: {seedsDirectory ?? "seeds/baoshan (searched upwards from the current directory)"}; pass --seeds <dir>");
            return ExitBadInput;
        }

        AssetRegistry registry;
        try
        {
            registry = AssetRegistryLoader.Load(seedsDirectory);
        }
        catch (AssetRegistryException ex)
        {
            await Console.Error.WriteLineAsync($"The seeds in {seedsDirectory} are not valid:");
            foreach (var error in ex.Errors)
            {
                await Console.Error.WriteLineAsync($"  {error}");
            }

            return ExitBadInput;
        }

        options.ScenariosFile = Path.Combine(seedsDirectory, ScenarioSetFile.FileName);
        if (string.IsNullOrWhiteSpace(options.ScenarioSet) && options.Scenarios.Count == 0 && !File.Exists(options.ScenariosFile))
        {
            options.ScenarioSet = SimulatorOptions.NoScenarioSet;
        }

        var timeProvider = TimeProvider.System;
        if (!SimulationPlan.TryCreate(registry, options, timeProvider.GetUtcNow(), out var plan, out var errors))
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return ExitBadInput;
        }

        using var stop = runFor is { } limit ? new CancellationTokenSource(limit, timeProvider) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        var counters = new SimulatorCounters(timeProvider);
        await using var farm = await StartModbusAsync(seedsDirectory, registry, plan, options, timeProvider, linked.Token);
        var served = farm?.Slaves.Select(s => s.DeviceId).ToHashSet(StringComparer.Ordinal) ?? [];
        var mqttDevices = plan.Devices.Where(d => !served.Contains(d.Id)).ToList();
        using var publisher = mqttDevices.Count > 0 ? new TelemetryPublisher(mqttDevices, plan.Generator, settings, timeProvider, counters, NullLogger.Instance) : null;
        var header = string.Create(
            CultureInfo.InvariantCulture,
            $"{registry.City}: {mqttDevices.Count} devices → mqtt://{settings.Host}:{settings.Port}, {options.RatePerDevice} msg/s each over {publisher?.ClientIds.Count ?? 0} connections, seed {options.Seed}");
        if (farm is not null)
        {
            header += string.Create(CultureInfo.InvariantCulture, $"; {farm.Slaves.Count(s => s.Serving)} Modbus TCP slaves");
        }

        var run = Task.WhenAll(publisher?.RunAsync(linked.Token) ?? Task.CompletedTask, farm?.RunAsync(linked.Token) ?? Task.CompletedTask);
        await ProgressDisplay.ShowAsync(header, plan, counters, run, timeProvider);
        await run;
        return 0;
    }

    /// <summary>With --modbus: the slaves of the simulated devices in modbus.yaml, started; every failure is printed.</summary>
    private static async Task<ModbusSlaveFarm?> StartModbusAsync(string seedsDirectory, AssetRegistry registry, SimulationPlan plan, SimulatorOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (options.Modbus.Enabled != true)
        {
            return null;
        }

        var path = Path.Combine(seedsDirectory, ModbusProfileLoader.FileName);
        if (!ModbusSlaveFarm.TryLoadPlan(path, registry, plan.Devices, out var slaves, out var problems))
        {
            await Console.Error.WriteLineAsync($"--modbus: {path} cannot be used, every device publishes over MQTT:");
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"  {problem}");
            }

            return null;
        }

        if (slaves.Devices.Count == 0)
        {
            Console.WriteLine($"--modbus: none of the simulated devices is in {path}");
            return null;
        }

        var farm = new ModbusSlaveFarm(slaves, plan.Generator, options.Modbus, timeProvider, NullLogger.Instance);
        await farm.StartAsync(cancellationToken);
        foreach (var slave in farm.Slaves)
        {
            if (slave.Serving)
            {
                Console.WriteLine($"modbus: {slave.DeviceId} on {slave.Listening} unit {slave.UnitId}");
            }
            else
            {
                await Console.Error.WriteLineAsync($"modbus: {slave.DeviceId} ({slave.Endpoint}) is not served: {slave.Error}");
            }
        }

        return farm;
    }

    /// <summary>The nearest <c>seeds/baoshan</c> in <paramref name="start"/> or a parent.</summary>
    private static string? FindSeeds(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "seeds", "baoshan");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
