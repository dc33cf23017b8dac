using Lifeline.Domain.Assets;

namespace Lifeline.Domain.Alarms;

/// <summary>
/// Where a <see cref="RuleOverride"/> applies: one or more registry ids, all of which must match the device's location.
/// Ids nest (a zone lies in one cabin, a cabin in one tunnel, a tunnel in one site), so a combination names the same
/// place as its most specific id; <see cref="Level"/> is that id's level.
/// </summary>
public sealed record RuleScope
{
    public string? SiteId { get; init; }

    public string? TunnelId { get; init; }

    public string? CabinId { get; init; }

    public string? ZoneId { get; init; }

    public string? DeviceId { get; init; }

    /// <summary>The level of the most specific id given.</summary>
    public RuleScopeLevel Level =>
        DeviceId is not null ? RuleScopeLevel.Device
        : ZoneId is not null ? RuleScopeLevel.Zone
        : CabinId is not null ? RuleScopeLevel.Cabin
        : TunnelId is not null ? RuleScopeLevel.Tunnel
        : SiteId is not null ? RuleScopeLevel.Site
        : RuleScopeLevel.None;

    /// <summary>The most specific id given (empty when none is).</summary>
    public string Id => IdAt(Level) ?? string.Empty;

    /// <summary>The id given for <paramref name="level"/>, or null.</summary>
    public string? IdAt(RuleScopeLevel level) => level switch
    {
        RuleScopeLevel.Site => SiteId,
        RuleScopeLevel.Tunnel => TunnelId,
        RuleScopeLevel.Cabin => CabinId,
        RuleScopeLevel.Zone => ZoneId,
        RuleScopeLevel.Device => DeviceId,
        _ => null,
    };

    /// <summary>True when every id given matches the device's location (false for an empty scope).</summary>
    public bool Matches(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var location = device.Location;
        return Level != RuleScopeLevel.None
            && (SiteId is null || string.Equals(SiteId, location.SiteId, StringComparison.Ordinal))
            && (TunnelId is null || string.Equals(TunnelId, location.TunnelId, StringComparison.Ordinal))
            && (CabinId is null || string.Equals(CabinId, location.CabinId, StringComparison.Ordinal))
            && (ZoneId is null || string.Equals(ZoneId, location.ZoneId, StringComparison.Ordinal))
            && (DeviceId is null || string.Equals(DeviceId, device.Id, StringComparison.Ordinal));
    }

    /// <summary>The lower-case name of a level as written in rules.yaml: <c>site</c> … <c>device</c>.</summary>
    public static string NameOf(RuleScopeLevel level) => level switch
    {
        RuleScopeLevel.None => "nothing",
        _ => level.ToString().ToLowerInvariant(),
    };

    /// <summary>e.g. <c>zone 'yongchang-rd-trunk-gas-z012'</c>.</summary>
    public override string ToString() => Level == RuleScopeLevel.None ? "no scope" : $"{NameOf(Level)} '{Id}'";
}
