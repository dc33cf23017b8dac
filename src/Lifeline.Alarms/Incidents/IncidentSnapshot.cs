using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms.Incidents;

/// <summary>The open incidents and the recently closed ones, consistent with the incident changes up to <paramref name="Seq"/>.</summary>
/// <param name="Seq">The newest incident seq the lists include: apply pushed changes with a greater seq on top.</param>
/// <param name="Open">Open incidents, by priority then newest first.</param>
/// <param name="RecentlyClosed">Closed incidents still held (bounded by count and age), most recently closed first.</param>
public sealed record IncidentSnapshot(long Seq, IReadOnlyList<IncidentDto> Open, IReadOnlyList<IncidentDto> RecentlyClosed);
