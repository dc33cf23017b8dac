namespace Lifeline.Domain.Assets;

/// <summary>A fire zone (防火分区, ≤ 200 m) of one cabin, and the devices in it.</summary>
public sealed record FireZone(string Id, string CabinId, int Index, double StartM, double EndM, IReadOnlyList<Device> Devices);
