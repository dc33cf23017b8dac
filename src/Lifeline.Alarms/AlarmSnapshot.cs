using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>The alarms that are not over, consistent with the change sequence up to <paramref name="Seq"/>.</summary>
public sealed record AlarmSnapshot(long Seq, IReadOnlyList<AlarmDto> Alarms);
