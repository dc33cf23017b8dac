namespace Lifeline.Simulation.Scenarios;

/// <summary>The resolved scenarios of a run, indexed by device for the signal generator.</summary>
public sealed class ScenarioSchedule
{
    private readonly Dictionary<string, List<ScenarioEffect>> _byDevice = new(StringComparer.Ordinal);

    public ScenarioSchedule(IEnumerable<Scenario> scenarios)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        Scenarios = scenarios.ToList();
        foreach (var scenario in Scenarios)
        {
            foreach (var target in scenario.Targets)
            {
                if (!_byDevice.TryGetValue(target.DeviceId, out var list))
                {
                    list = [];
                    _byDevice[target.DeviceId] = list;
                }

                list.Add(new ScenarioEffect(scenario, target));
            }
        }
    }

    public static ScenarioSchedule Empty { get; } = new([]);

    public IReadOnlyList<Scenario> Scenarios { get; }

    /// <summary>The scenarios running <paramref name="elapsed"/> after the start of the simulation.</summary>
    public IReadOnlyList<Scenario> ActiveAt(TimeSpan elapsed) => Scenarios.Where(s => s.IsActiveAt(elapsed)).ToList();

    internal IReadOnlyList<ScenarioEffect> EffectsOn(string deviceId) =>
        _byDevice.TryGetValue(deviceId, out var list) ? list : [];
}
