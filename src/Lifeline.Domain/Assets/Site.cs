namespace Lifeline.Domain.Assets;

/// <summary>A site: a tunnel pilot project, a sewage plant or the gas network.</summary>
/// <param name="Illustrative">True where the figures are not from the city plan but chosen to be plausible.</param>
public sealed record Site(string Id, string Name, string NameZh, SiteKind Kind, bool Illustrative, IReadOnlyList<Tunnel> Tunnels, IReadOnlyList<Station> Stations);
