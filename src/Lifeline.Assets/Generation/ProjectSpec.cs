namespace Lifeline.Assets.Generation;

/// <summary>A utility-tunnel pilot project as written in tunnels.yaml.</summary>
internal sealed record ProjectSpec(string Id, string Name, string NameZh, bool Illustrative, IReadOnlyList<TunnelSpec> Tunnels);
