namespace Lifeline.Alarms.Incidents;

/// <summary>A fire zone's place in its cabin, and the ids of the zones next to it.</summary>
internal sealed record ZoneInfo(int Index, double StartM, double EndM, IReadOnlyList<string> Neighbours);
