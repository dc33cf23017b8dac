using System.Diagnostics.CodeAnalysis;
using Lifeline.Domain.Assets;
using Lifeline.Simulation.Scenarios;
using Lifeline.Simulation.Signals;

namespace Lifeline.Simulation;

/// <summary>What a run simulates: the selected devices, the resolved scenarios and the signal generator.</summary>
public sealed class SimulationPlan
{
    private SimulationPlan(IReadOnlyList<Device> devices, ScenarioSchedule scenarios, SignalGenerator generator, IReadOnlyList<string> notes)
    {
        Devices = devices;
        Scenarios = scenarios;
        Generator = generator;
        Notes = notes;
    }

    public IReadOnlyList<Device> Devices { get; }

    public ScenarioSchedule Scenarios { get; }

    public SignalGenerator Generator { get; }

    /// <summary>Informational remarks, e.g. that the default scenario set was not found.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// Selects devices by <see cref="SimulatorOptions.Devices"/>, collects the specs of <see cref="SimulatorOptions.Scenarios"/>
    /// and of the scenario set, and resolves them against <paramref name="registry"/>. Every problem is reported, not just the first.
    /// </summary>
    public static bool TryCreate(AssetRegistry registry, SimulatorOptions options, DateTimeOffset start, [NotNullWhen(true)] out SimulationPlan? plan, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var notes = new List<string>();

        var devices = SelectDevices(registry, options.Devices, problems);
        var specs = new List<string>(options.Scenarios);
        CollectScenarioSet(options, specs, problems, notes);

        var scenarios = new List<Scenario>();
        foreach (var text in specs)
        {
            if (ScenarioResolver.TryResolve(text, registry, out var scenario, out var error))
            {
                scenarios.Add(scenario);
            }
            else
            {
                problems.Add(error);
            }
        }

        errors = problems;
        if (problems.Count > 0)
        {
            plan = null;
            return false;
        }

        var schedule = new ScenarioSchedule(scenarios);
        plan = new SimulationPlan(devices, schedule, new SignalGenerator(registry, options.Seed, start, schedule, options.VentilationTimeConstant), notes);
        return true;
    }

    /// <summary>Devices whose id starts with one of <paramref name="prefixes"/> (all when empty), in registry order.</summary>
    public static IReadOnlyList<Device> SelectDevices(AssetRegistry registry, IEnumerable<string> prefixes) =>
        SelectDevices(registry, prefixes, []);

    private static List<Device> SelectDevices(AssetRegistry registry, IEnumerable<string> prefixes, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var wanted = prefixes.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        var all = registry.Devices.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return all;
        }

        foreach (var prefix in wanted.Where(p => !all.Any(d => d.Id.StartsWith(p, StringComparison.Ordinal))))
        {
            problems.Add($"device filter '{prefix}': no device id starts with it");
        }

        return all.Where(d => wanted.Any(p => d.Id.StartsWith(p, StringComparison.Ordinal))).ToList();
    }

    private static void CollectScenarioSet(SimulatorOptions options, List<string> specs, List<string> problems, List<string> notes)
    {
        var explicitSet = !string.IsNullOrWhiteSpace(options.ScenarioSet);
        var setName = explicitSet ? options.ScenarioSet!.Trim() : (specs.Count == 0 ? SimulatorOptions.DefaultScenarioSet : null);
        if (setName is null || string.Equals(setName, SimulatorOptions.NoScenarioSet, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var file = options.ScenariosFile ?? ScenarioSetFile.Find(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        if (file is null || !File.Exists(file))
        {
            var where = file ?? $"seeds/baoshan/{ScenarioSetFile.FileName}";
            if (explicitSet || options.ScenariosFile is not null)
            {
                problems.Add($"scenario set '{setName}': scenarios file '{where}' not found");
            }
            else
            {
                notes.Add($"no scenarios: '{where}' not found, so the '{setName}' set is not used");
            }

            return;
        }

        try
        {
            var sets = ScenarioSetFile.Load(file);
            if (sets.TryGetValue(setName, out var set))
            {
                specs.AddRange(set.Specs);
                notes.Add($"scenario set '{setName}' from {file}: {set.Specs.Count} scenarios");
            }
            else
            {
                problems.Add($"scenario set '{setName}' not found in {file}; sets: {(sets.Count == 0 ? "(none)" : string.Join(", ", sets.Keys))}");
            }
        }
        catch (Exception ex) when (ex is ScenarioSpecException or IOException or UnauthorizedAccessException)
        {
            problems.Add(ex.Message);
        }
    }
}
