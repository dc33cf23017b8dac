namespace Lifeline.Simulation.Scenarios;

/// <summary>A scenario spec that cannot be parsed or does not fit the registry; the message names the spec and the reason.</summary>
public sealed class ScenarioSpecException : Exception
{
    public ScenarioSpecException()
    {
    }

    public ScenarioSpecException(string message)
        : base(message)
    {
    }

    public ScenarioSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
