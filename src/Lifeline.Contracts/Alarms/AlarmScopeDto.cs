namespace Lifeline.Contracts.Alarms;

/// <summary>
/// A suppression an engineer put in place: a zone under maintenance (its alarms suppressed by design, life-safety ones
/// excepted) or a sensor out of service (all its alarms). Every change is journaled with who and why.
/// </summary>
public sealed record AlarmScopeDto
{
    /// <summary><see cref="ZoneMaintenance"/> or <see cref="SensorOutOfService"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>The zone id or the sensor id.</summary>
    public required string Id { get; init; }

    /// <summary>True while in force; a change with false ends it.</summary>
    public required bool Active { get; init; }

    public required string By { get; init; }

    public required string Reason { get; init; }

    /// <summary>When the change was made.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>When it ends by itself (null: until ended by hand).</summary>
    public DateTimeOffset? Until { get; init; }

    public const string ZoneMaintenance = "zone-maintenance";

    public const string SensorOutOfService = "sensor-out-of-service";
}
