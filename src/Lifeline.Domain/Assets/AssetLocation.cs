namespace Lifeline.Domain.Assets;

/// <summary>Where a device is, down to the fire zone of a tunnel cabin or a station of a plant or network.</summary>
public sealed record AssetLocation
{
    public required string SiteId { get; init; }

    public required SiteKind SiteKind { get; init; }

    public string? TunnelId { get; init; }

    public string? CabinId { get; init; }

    public CabinType? CabinType { get; init; }

    public string? ZoneId { get; init; }

    /// <summary>1-based index of the fire zone in its cabin.</summary>
    public int? ZoneIndex { get; init; }

    /// <summary>Start of the zone in metres from the tunnel's origin (chainage).</summary>
    public double? ChainageStartM { get; init; }

    public double? ChainageEndM { get; init; }

    public string? StationId { get; init; }

    /// <summary>Readable place, e.g. "永昌路 trunk · gas cabin · zone 12 (K2+200–K2+400)".</summary>
    public required string Description { get; init; }
}
