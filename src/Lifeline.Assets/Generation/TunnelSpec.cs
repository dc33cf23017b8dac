using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Generation;

/// <summary>One tunnel of a project as written in tunnels.yaml.</summary>
/// <param name="Number">Branch number (1-based, in file order); 0 for the trunk.</param>
internal sealed record TunnelSpec(TunnelKind Kind, int Number, double LengthM, IReadOnlyList<CabinType> Cabins);
