using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>The transitions after a given seq.</summary>
/// <param name="Seq">The newest seq at the time of the call.</param>
/// <param name="Truncated">True when transitions after the asked seq are no longer held: reload the full list instead.</param>
/// <param name="Changes">The transitions in seq order.</param>
public sealed record AlarmChanges(long Seq, bool Truncated, IReadOnlyList<AlarmDto> Changes);
