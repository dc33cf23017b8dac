namespace Lifeline.Simulation.Scenarios;

/// <summary>A scenario together with one of its targets.</summary>
internal readonly record struct ScenarioEffect(Scenario Scenario, ScenarioTarget Target);
