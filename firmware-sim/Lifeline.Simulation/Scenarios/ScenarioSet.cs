namespace Lifeline.Simulation.Scenarios;

/// <summary>A named list of scenario specs from a scenarios file.</summary>
public sealed record ScenarioSet(string Name, string Description, IReadOnlyList<string> Specs);
