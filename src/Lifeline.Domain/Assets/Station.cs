namespace Lifeline.Domain.Assets;

/// <summary>A place outside the tunnels with its own devices: a plant process unit, a gas gate or regulator station.</summary>
/// <param name="Kind">e.g. <c>influent</c>, <c>aeration</c>, <c>effluent</c>, <c>gate</c>, <c>regulator</c>.</param>
public sealed record Station(string Id, string SiteId, string Name, string NameZh, string Kind, IReadOnlyList<Device> Devices);
