using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>What an action on an alarm did.</summary>
/// <param name="Outcome">Done, unchanged, not found or refused.</param>
/// <param name="Alarm">The alarm after the action (null when not found).</param>
public sealed record AlarmActionResult(AlarmActionOutcome Outcome, AlarmDto? Alarm)
{
    /// <summary>Why the action was refused.</summary>
    public string? Error { get; init; }

    /// <summary>Completes when the transition is in the alarm journal on disk (at once when nothing was recorded or there is no journal).</summary>
    public Task Durable { get; init; } = Task.CompletedTask;

    internal static AlarmActionResult NotFound { get; } = new(AlarmActionOutcome.NotFound, null);

    internal static AlarmActionResult Refused(AlarmDto alarm, string error) => new(AlarmActionOutcome.Refused, alarm) { Error = error };
}
