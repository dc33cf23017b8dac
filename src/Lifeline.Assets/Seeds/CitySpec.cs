namespace Lifeline.Assets.Seeds;

/// <summary>city.yaml; a null figure is one that was missing or invalid (already reported).</summary>
internal sealed record CitySpec
{
    public static readonly TimeSpan DefaultDeviceInterval = TimeSpan.FromSeconds(1);

    public string? Id { get; init; }

    public string? Name { get; init; }

    public string? NameZh { get; init; }

    public int? TunnelProjects { get; init; }

    public double? TrunkKm { get; init; }

    public double? BranchKm { get; init; }

    public int? SewagePlants { get; init; }

    public double? ZoneLengthM { get; init; }

    public TimeSpan DeviceInterval { get; init; } = DefaultDeviceInterval;
}
