namespace Lifeline.Simulation.Scenarios;

/// <summary>One device channel a scenario acts on.</summary>
/// <param name="DeviceId">The affected device.</param>
/// <param name="Channel">The affected channel; null when the scenario acts on the whole device (device-offline).</param>
/// <param name="Delay">How long after the scenario's start the effect reaches this channel (gas spreading to neighbours).</param>
/// <param name="Intensity">Fraction of the full effect (1 at the target, lower in neighbouring zones).</param>
public sealed record ScenarioTarget(string DeviceId, string? Channel, TimeSpan Delay, double Intensity);
