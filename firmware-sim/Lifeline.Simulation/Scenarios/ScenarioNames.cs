namespace Lifeline.Simulation.Scenarios;

/// <summary>Spec names of the scenarios (<c>gas-leak</c>, <c>o2-depletion</c>, …).</summary>
public static class ScenarioNames
{
    public const string GasLeak = "gas-leak";
    public const string O2Depletion = "o2-depletion";
    public const string SumpFlooding = "sump-flooding";
    public const string OverheatingCable = "overheating-cable";
    public const string StuckSensor = "stuck-sensor";
    public const string DeviceOffline = "device-offline";

    /// <summary>Every valid name, in documentation order.</summary>
    public static IReadOnlyList<string> All { get; } = [GasLeak, O2Depletion, SumpFlooding, OverheatingCable, StuckSensor, DeviceOffline];

    public static string Of(ScenarioKind kind) => kind switch
    {
        ScenarioKind.GasLeak => GasLeak,
        ScenarioKind.O2Depletion => O2Depletion,
        ScenarioKind.SumpFlooding => SumpFlooding,
        ScenarioKind.OverheatingCable => OverheatingCable,
        ScenarioKind.StuckSensor => StuckSensor,
        ScenarioKind.DeviceOffline => DeviceOffline,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string name, out ScenarioKind kind)
    {
        switch (name)
        {
            case GasLeak: kind = ScenarioKind.GasLeak; return true;
            case O2Depletion: kind = ScenarioKind.O2Depletion; return true;
            case SumpFlooding: kind = ScenarioKind.SumpFlooding; return true;
            case OverheatingCable: kind = ScenarioKind.OverheatingCable; return true;
            case StuckSensor: kind = ScenarioKind.StuckSensor; return true;
            case DeviceOffline: kind = ScenarioKind.DeviceOffline; return true;
            default: kind = default; return false;
        }
    }
}
