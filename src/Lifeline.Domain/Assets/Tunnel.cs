namespace Lifeline.Domain.Assets;

/// <summary>A utility tunnel (trunk or branch) of a pilot project.</summary>
public sealed record Tunnel(string Id, string SiteId, string Name, string NameZh, TunnelKind Kind, double LengthM, IReadOnlyList<Cabin> Cabins);
