namespace Lifeline.Simulation.Scenarios;

/// <summary>A scenario resolved against the registry: which device channels it affects, from when and how strongly.</summary>
public sealed class Scenario
{
    public Scenario(ScenarioSpec spec, IReadOnlyList<ScenarioTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(targets);
        Spec = spec;
        Targets = targets;
    }

    public ScenarioSpec Spec { get; }

    public ScenarioKind Kind => Spec.Kind;

    public IReadOnlyList<ScenarioTarget> Targets { get; }

    /// <summary>Offset from the simulation start at which the scenario begins.</summary>
    public TimeSpan Start => Spec.Offset;

    /// <summary>Offset at which it ends, or null when it lasts until the simulation ends.</summary>
    public TimeSpan? End => Spec.Duration is { } d ? Spec.Offset + d : null;

    /// <summary>Whether the scenario is running <paramref name="elapsed"/> after the simulation start.</summary>
    public bool IsActiveAt(TimeSpan elapsed) => elapsed >= Start && (End is not { } end || elapsed < end);

    public override string ToString() => Spec.ToString();
}
