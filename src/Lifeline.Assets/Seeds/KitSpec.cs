using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>The zone-controller kit of one cabin type (kits.yaml).</summary>
internal sealed record KitSpec(CabinType CabinType, string Model, IReadOnlyList<Channel> Channels, TimeSpan? Interval);
