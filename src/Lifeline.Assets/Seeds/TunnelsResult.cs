using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>What tunnels.yaml gave: the generated project sites and the figures checked against the plan.</summary>
/// <param name="Complete">True when every project and tunnel parsed, so counts and sums can be compared with the plan.</param>
internal sealed record TunnelsResult(IReadOnlyList<Site> Sites, int ProjectCount, double TrunkM, double BranchM, bool Complete);
