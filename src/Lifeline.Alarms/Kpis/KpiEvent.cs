using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Alarms;

namespace Lifeline.Alarms.Kpis;

/// <summary>
/// Where activations come from: one rule on one sensor, with the site and operator position it belongs to. Interned by
/// the calculator, so the many transitions of one source share one instance; compared by value.
/// </summary>
internal sealed record KpiSource(string SensorId, string RuleId, string Kind, string SiteId, string Position);

/// <summary>
/// One alarm transition as the KPI calculator keeps it: about 80 bytes, times as UTC ticks, the source shared.
/// <see cref="Run"/> numbers the runs of the alarm service (a run restarts seq and alarm ids).
/// </summary>
internal readonly record struct KpiEvent(
    long Seq,
    int Run,
    long At,
    long RaisedAt,
    long ShelvedUntil,
    AlarmTransitionKind Transition,
    AlarmState State,
    AlarmPriority Priority,
    string Id,
    KpiSource Source,
    string By,
    string? Reason)
{
    /// <summary>A transition name this build does not know.</summary>
    public const AlarmTransitionKind UnknownTransition = (AlarmTransitionKind)(-1);

    /// <summary>A state name this build does not know.</summary>
    public const AlarmState UnknownState = (AlarmState)(-1);

    /// <summary><see cref="ShelvedUntil"/> when there is none.</summary>
    public const long NoTime = long.MinValue;

    /// <summary>An annunciated activation: raised or re-raised into <c>Unacknowledged</c>.</summary>
    public bool IsActivation => Transition is AlarmTransitionKind.Raised or AlarmTransitionKind.Reraised && State == AlarmState.Unacknowledged;

    /// <summary>Raised or re-raised while shelved, suppressed or out of service: not annunciated.</summary>
    public bool IsSuppressedActivation =>
        Transition is AlarmTransitionKind.Raised or AlarmTransitionKind.Reraised
        && State is AlarmState.Shelved or AlarmState.Suppressed or AlarmState.OutOfService;

    public static KpiEvent From(AlarmDto change, int run, KpiSource source) => new(
        change.Seq,
        run,
        change.ChangedAt.UtcTicks,
        change.RaisedAt.UtcTicks,
        change.ShelvedUntil?.UtcTicks ?? NoTime,
        ParseName(change.Transition, UnknownTransition),
        ParseName(change.State, UnknownState),
        ParseName(change.Priority, default(AlarmPriority)),
        change.Id ?? string.Empty,
        source,
        change.By ?? string.Empty,
        change.Reason);

    /// <summary>The name of a priority, <c>Unknown</c> for one not parsed.</summary>
    public static string NameOf(AlarmPriority priority) => priority switch
    {
        AlarmPriority.Critical => nameof(AlarmPriority.Critical),
        AlarmPriority.High => nameof(AlarmPriority.High),
        AlarmPriority.Medium => nameof(AlarmPriority.Medium),
        AlarmPriority.Low => nameof(AlarmPriority.Low),
        _ => "Unknown",
    };

    /// <summary>The name of a state, <c>Unknown</c> for one not parsed.</summary>
    public static string NameOf(AlarmState state) => state == UnknownState ? "Unknown" : state.ToString();

    // Names only (no numbers, exact case): the DTO carries the enum member names.
    private static T ParseName<T>(string? text, T unknown)
        where T : struct, Enum =>
        !string.IsNullOrEmpty(text) && char.IsAsciiLetterUpper(text[0]) && Enum.TryParse<T>(text, ignoreCase: false, out var value) && Enum.IsDefined(value)
            ? value
            : unknown;
}
