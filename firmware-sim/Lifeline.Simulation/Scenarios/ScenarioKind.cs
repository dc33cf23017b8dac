namespace Lifeline.Simulation.Scenarios;

/// <summary>The disturbances the simulator can inject; their spec names are in <see cref="ScenarioNames"/>.</summary>
public enum ScenarioKind
{
    /// <summary><c>gas-leak</c>: CH₄ rises in a zone and, later and weaker, in the neighbouring zones of the cabin.</summary>
    GasLeak,

    /// <summary><c>o2-depletion</c>: O₂ falls to about 16.5 %vol within about 8 s.</summary>
    O2Depletion,

    /// <summary><c>sump-flooding</c>: the sump level rises past high-high while both pumps run.</summary>
    SumpFlooding,

    /// <summary><c>overheating-cable</c>: temperature climbs past 40 °C (power cabin).</summary>
    OverheatingCable,

    /// <summary><c>stuck-sensor</c>: one channel freezes at its last value.</summary>
    StuckSensor,

    /// <summary><c>device-offline</c>: the device stops publishing and its status goes <c>offline</c>.</summary>
    DeviceOffline,
}
