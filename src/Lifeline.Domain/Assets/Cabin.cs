namespace Lifeline.Domain.Assets;

/// <summary>A compartment (舱) of a tunnel, divided into fire zones in chainage order.</summary>
public sealed record Cabin(string Id, string TunnelId, CabinType Type, IReadOnlyList<FireZone> Zones);
