using Lifeline.Domain.Alarms;
using Lifeline.Domain.Assets;

namespace Lifeline.Modbus.Ingestion.Tests.Support;

/// <summary>A registry of PLCs at one plant station for poller tests: <c>{prefix}-01</c>, <c>{prefix}-02</c>, … of one model.</summary>
internal static class PollerRegistry
{
    public const string Model = "test-plc";

    /// <summary>An analog quantity with a range wide enough for any test value.</summary>
    public static readonly SensorType Wide = new("wide", "Wide-range value", "u", ChannelKind.Analog, -1e10, 1e10, "test");

    /// <summary>An analog quantity of 0..100 %, to see out-of-range values rejected.</summary>
    public static readonly SensorType Percent = new("percent", "Percentage", "%", ChannelKind.Analog, 0, 100, "test");

    public static readonly SensorType Flag = new("flag", "Flag", string.Empty, ChannelKind.Boolean, 0, 1, "test");

    public static string DeviceId(string prefix, int i) => $"{prefix}-{i:D2}";

    /// <summary><paramref name="devices"/> devices of <see cref="Model"/>, each with the given channels, expected every second.</summary>
    public static AssetRegistry Create(string prefix, int devices, params (string Name, SensorType Type)[] channels)
    {
        var location = new AssetLocation { SiteId = "plant", SiteKind = SiteKind.SewagePlant, StationId = "plant-pumps", Description = "Test plant · pumps" };
        var list = Enumerable.Range(1, devices)
            .Select(i => new Device(DeviceId(prefix, i), Model, location, channels.Select(c => new Channel(c.Name, c.Type, c.Type.Min, c.Type.Max)).ToList(), TimeSpan.FromSeconds(1)))
            .ToList();
        var station = new Station("plant-pumps", "plant", "Pumps", "泵房", "influent", list);
        var site = new Site("plant", "Test plant", "测试厂", SiteKind.SewagePlant, true, [], [station]);
        var types = new[] { Wide, Percent, Flag }.ToDictionary(t => t.Id, StringComparer.Ordinal);
        return new AssetRegistry("test", [site], types, Array.Empty<ThresholdRule>());
    }
}
