using System.Text;
using InfluxDB.Client.Writes;
using Lifeline.Assets;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Storage.Schema;
using Lifeline.Testing;

namespace Lifeline.Storage.Tests.Schema;

public sealed class PointSchemaTests
{
    private static readonly AssetRegistry Registry = AssetRegistryLoader.Load(RepositoryPaths.Seeds());

    [Fact]
    public void Map_TunnelReading_HasMeasurementTagsFieldsAndNanosecondTime()
    {
        var device = Registry.Devices.First(d => d.Location.CabinType == CabinType.Gas && d.TryGetChannel("o2", out _));
        var at = new DateTimeOffset(2026, 11, 27, 8, 0, 0, 123, TimeSpan.Zero).AddTicks(4567);
        var points = new List<PointData>();

        new PointSchema(Registry).Map(new TelemetryBatch(device.Id, [new Reading(device.Id, "o2", 20.9, at, 42)], at), points);

        var l = device.Location;
        points.Single().ToLineProtocol().ShouldBe(
            $"tunnel_env,cabin={l.CabinId},channel=o2,device={device.Id},site={l.SiteId},tunnel={l.TunnelId},type=o2,zone={l.ZoneId} " +
            $"quality=\"good\",seq=42i,value=20.9 {((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100)}");
    }

    [Fact]
    public void Map_PlantReading_HasNoTunnelTags()
    {
        var device = Registry.Devices.First(d => d.Id == "wwtp1-effluent-ana");
        var points = new List<PointData>();

        new PointSchema(Registry).Map(new TelemetryBatch(device.Id, [new Reading(device.Id, "cod", 12.5, DateTimeOffset.UnixEpoch.AddDays(20000), null)], DateTimeOffset.UnixEpoch), points);

        var line = points.Single().ToLineProtocol();
        line.ShouldStartWith("sewage,");
        line.ShouldNotContain("tunnel=");
        line.ShouldNotContain("zone=");
        line.ShouldNotContain("seq=");
    }

    [Fact]
    public void Map_ValueOutsidePhysicalRange_IsKeptWithQualityOutOfRange()
    {
        var device = Registry.Devices.First(d => d.TryGetChannel("o2", out _));
        var points = new List<PointData>();

        new PointSchema(Registry).Map(new TelemetryBatch(device.Id, [new Reading(device.Id, "o2", 99, DateTimeOffset.UnixEpoch, null)], DateTimeOffset.UnixEpoch), points);

        points.Single().ToLineProtocol().ShouldContain("quality=\"out_of_range\",value=99 ");
    }

    [Fact]
    public void Map_UnknownDevice_GoesToUnregisteredWithDeviceAndChannel()
    {
        var points = new List<PointData>();

        new PointSchema(Registry).Map(new TelemetryBatch("ghost-1", [new Reading("ghost-1", "x", 1, DateTimeOffset.UnixEpoch, null)], DateTimeOffset.UnixEpoch), points);

        points.Single().ToLineProtocol().ShouldBe("unregistered,channel=x,device=ghost-1 quality=\"good\",value=1 0");
    }

    [Fact]
    public void AppendLineProtocol_IsExactlyWhatPointDataWrites()
    {
        // Every sensor of a sample of devices (tunnel, plant, gas), random values (in and out of range, tiny, huge,
        // negative), with and without seq, plus an unregistered device: the fast path must match PointData byte for byte.
        var random = new Random(7);
        var devices = Registry.Devices.Where((_, i) => i % 37 == 0).Append(Registry.Devices.First(d => d.Id == "wwtp1-effluent-ana")).ToList();
        var schema = new PointSchema(Registry);
        var fast = new StringBuilder();
        var expected = new List<string>();
        var count = 0;
        foreach (var device in devices)
        {
            var batch = RandomBatch(device.Id, device.Channels.Select(c => c.Name).ToList(), random);
            count += schema.AppendLineProtocol(batch, fast);
            var points = new List<PointData>();
            schema.Map(batch, points);
            expected.AddRange(points.Select(p => p.ToLineProtocol()));
        }

        var ghost = RandomBatch("ghost-device", ["a", "b"], random);
        count += schema.AppendLineProtocol(ghost, fast);
        var ghostPoints = new List<PointData>();
        schema.Map(ghost, ghostPoints);
        expected.AddRange(ghostPoints.Select(p => p.ToLineProtocol()));

        count.ShouldBe(expected.Count);
        fast.ToString().Split('\n').ShouldBe(expected);
    }

    [Fact]
    public void AppendLineProtocol_NonFiniteValue_IsLeftOut()
    {
        var device = Registry.Devices.First(d => d.TryGetChannel("o2", out _));
        var lines = new StringBuilder();

        var count = new PointSchema(Registry).AppendLineProtocol(
            new TelemetryBatch(device.Id, [new Reading(device.Id, "o2", double.NaN, DateTimeOffset.UnixEpoch, null), new Reading(device.Id, "o2", 20, DateTimeOffset.UnixEpoch.AddSeconds(1), null)], DateTimeOffset.UnixEpoch),
            lines);

        count.ShouldBe(1);
        lines.ToString().Split('\n').Length.ShouldBe(1);
    }

    [Fact]
    public void MapAlarm_TransitionsInTheSameTick_GetDistinctTimestamps()
    {
        var at = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        var a = PointSchema.Map(Alarm(seq: 101, at)).ToLineProtocol();
        var b = PointSchema.Map(Alarm(seq: 102, at)).ToLineProtocol();

        a.ShouldStartWith("alarm_events,");
        a.ShouldContain("kind=o2_low");
        a.ShouldContain("state=Unacknowledged");
        a[(a.LastIndexOf(' ') + 1)..].ShouldNotBe(b[(b.LastIndexOf(' ') + 1)..]);
    }

    private static TelemetryBatch RandomBatch(string deviceId, IReadOnlyList<string> channels, Random random)
    {
        var at = DateTimeOffset.UnixEpoch.AddDays(20_000).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay));
        var readings = channels.Select(c => new Reading(
            deviceId,
            c,
            random.Next(6) switch
            {
                0 => random.NextDouble() * 25,
                1 => -random.NextDouble() * 1e6,
                2 => random.NextDouble() * 1e-9,
                3 => Math.Round(random.NextDouble() * 100, 1),
                4 => random.Next(2),
                _ => random.NextDouble() * 1e15,
            },
            at,
            random.Next(2) == 0 ? null : random.NextInt64(0, long.MaxValue))).ToList();
        return new TelemetryBatch(deviceId, readings, at);
    }

    private static AlarmDto Alarm(long seq, DateTimeOffset at) => new()
    {
        Seq = seq,
        Id = "A000001",
        State = "Unacknowledged",
        Priority = "High",
        Kind = "o2_low",
        RuleId = "o2.low.l1",
        SiteId = "site",
        DeviceId = "dev",
        SensorId = "dev.o2",
        ZoneId = "zone-1",
        Location = "somewhere",
        Value = 19,
        Limit = 19.5,
        Unit = "%vol",
        Message = "low",
        RaisedAt = at,
        ChangedAt = at,
    };
}
