using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>The alarms that are not over, consistent with the change sequence up to <paramref name="Seq"/>.</summary>
/// <param name="Epoch">Identifies this run of the alarm service: seqs of different epochs are not comparable.</param>
/// <param name="Seq">The newest seq the list includes.</param>
/// <param name="Alarms">The alarms, by priority then newest first.</param>
public sealed record AlarmSnapshot(string Epoch, long Seq, IReadOnlyList<AlarmDto> Alarms);
