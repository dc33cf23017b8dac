using Lifeline.Domain.Assets;

namespace Lifeline.Assets.Seeds;

/// <summary>The kits read from kits.yaml.</summary>
internal sealed class KitCatalog
{
    private readonly Dictionary<CabinType, KitSpec> _kits = [];
    private readonly HashSet<CabinType> _broken = [];

    /// <summary>False when kits.yaml could not be read at all: references are then not checked (no error cascade).</summary>
    public bool Usable { get; set; } = true;

    public void Add(KitSpec kit) => _kits[kit.CabinType] = kit;

    public void MarkBroken(CabinType type) => _broken.Add(type);

    public bool IsBroken(CabinType type) => !Usable || _broken.Contains(type);

    public bool TryGet(CabinType type, out KitSpec kit) => _kits.TryGetValue(type, out kit!);
}
