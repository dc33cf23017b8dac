using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>The transitions after a given seq.</summary>
/// <param name="Epoch">Identifies this run of the alarm service: seqs of different epochs are not comparable.</param>
/// <param name="Seq">The newest seq at the time of the call.</param>
/// <param name="Truncated">
/// True when the transitions after the asked seq cannot be given (no longer held, or the caller's seq belongs to
/// another epoch, e.g. before a restart): reload the full list instead.
/// </param>
/// <param name="Changes">The transitions in seq order.</param>
public sealed record AlarmChanges(string Epoch, long Seq, bool Truncated, IReadOnlyList<AlarmDto> Changes);
