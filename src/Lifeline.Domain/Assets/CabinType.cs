namespace Lifeline.Domain.Assets;

/// <summary>Tunnel compartment (舱) types of GB 50838.</summary>
public enum CabinType
{
    /// <summary>综合舱: water supply, reclaimed and rain-water pipes, telecom.</summary>
    Integrated,

    /// <summary>电力舱: power and telecom cables.</summary>
    Power,

    /// <summary>天然气舱: natural gas.</summary>
    Gas,

    /// <summary>污水舱: sewage.</summary>
    Sewage,

    /// <summary>热力舱: heat.</summary>
    Heat,
}
