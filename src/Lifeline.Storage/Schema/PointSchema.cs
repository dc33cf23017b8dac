using System.Globalization;
using System.Text;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Lifeline.Contracts.Alarms;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Storage.Records;

namespace Lifeline.Storage.Schema;

/// <summary>
/// How readings and alarm events become InfluxDB points. A point's identity — measurement, tag set, timestamp — is
/// fixed by the record alone, so a record written twice (at-least-once delivery after an outage or a crash) lands
/// on the same point and is stored once.
/// <list type="bullet">
/// <item>Measurement per domain, from the sensor type: <c>tunnel_env</c>, <c>tunnel_equipment</c>, <c>sewage</c>, <c>gas</c>.</item>
/// <item>Tags (bounded: one series per sensor): <c>site</c>, <c>tunnel</c>, <c>cabin</c>, <c>zone</c>, <c>station</c> where the
/// device has them, and always <c>device</c>, <c>channel</c>, <c>type</c>.</item>
/// <item>Fields: <c>value</c> (float), <c>quality</c> (<c>good</c>, or <c>out_of_range</c> outside the channel's physical range), <c>seq</c> (integer, when the device numbers its messages).</item>
/// <item>Time: the device's timestamp, nanosecond precision.</item>
/// </list>
/// Alarm transitions go to <c>alarm_events</c>, see <see cref="Map(AlarmDto)"/>.
/// </summary>
public sealed class PointSchema(AssetRegistry registry)
{
    private readonly Dictionary<string, Dictionary<string, SeriesLine>> _series = new(StringComparer.Ordinal);

    /// <summary>Measurement of alarm transitions.</summary>
    public const string AlarmEvents = "alarm_events";

    /// <summary>Measurement of the platform's own figures (self-monitoring).</summary>
    public const string Platform = "lifeline_platform";

    /// <summary>Measurement of readings of devices the registry does not (or no longer) know.</summary>
    public const string Unregistered = "unregistered";

    /// <summary>The measurement a channel's readings go to.</summary>
    public static string MeasurementOf(Channel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return string.IsNullOrEmpty(channel.Type.Measurement) ? Unregistered : channel.Type.Measurement;
    }

    /// <summary>Nanoseconds since the Unix epoch (the 100 ns resolution of <see cref="DateTimeOffset"/> is kept).</summary>
    public static long UnixNanoseconds(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100;

    /// <summary>Adds the points of a batch of readings.</summary>
    public void Map(TelemetryBatch batch, List<PointData> points)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(points);
        registry.TryGetDevice(batch.DeviceId, out var device);
        foreach (var reading in batch.Readings)
        {
            Channel? channel = null;
            device?.TryGetChannel(reading.Channel, out channel);
            var point = PointData.Measurement(channel is null ? Unregistered : MeasurementOf(channel));
            if (device is not null)
            {
                var l = device.Location;
                point = point.Tag("site", l.SiteId).Tag("tunnel", l.TunnelId).Tag("cabin", l.CabinId).Tag("zone", l.ZoneId).Tag("station", l.StationId);
            }

            point = point.Tag("device", batch.DeviceId).Tag("channel", reading.Channel);
            if (channel is not null)
            {
                point = point.Tag("type", channel.Type.Id);
            }

            point = point
                .Field("value", reading.Value)
                .Field("quality", channel is null || channel.IsInPhysicalRange(reading.Value) ? "good" : "out_of_range")
                .Timestamp(UnixNanoseconds(reading.Timestamp), WritePrecision.Ns);
            if (reading.Seq is { } seq)
            {
                point = point.Field("seq", seq);
            }

            points.Add(point);
        }
    }

    /// <summary>
    /// Appends the batch as line protocol, one line per reading, exactly as <see cref="Map(TelemetryBatch, List{PointData})"/>
    /// followed by <see cref="PointData.ToLineProtocol()"/> would write it, at a fraction of the cost: the measurement
    /// and tag part of each series is produced once by <see cref="PointData"/> (so its escaping rules apply) and kept.
    /// Returns the number of lines.
    /// </summary>
    public int AppendLineProtocol(TelemetryBatch batch, StringBuilder lines)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(lines);
        if (!_series.TryGetValue(batch.DeviceId, out var channels))
        {
            channels = new Dictionary<string, SeriesLine>(StringComparer.Ordinal);
            _series[batch.DeviceId] = channels;
        }

        Span<char> number = stackalloc char[32];
        var count = 0;
        foreach (var reading in batch.Readings)
        {
            if (!double.IsFinite(reading.Value))
            {
                // PointData drops non-finite fields; a line with no value would be refused. Never expected: ingestion rejects them.
                continue;
            }

            if (!channels.TryGetValue(reading.Channel, out var series))
            {
                series = Series(batch.DeviceId, reading.Channel);
                channels[reading.Channel] = series;
            }

            if (lines.Length > 0)
            {
                lines.Append('\n');
            }

            // Fields in PointData's order (sorted by key): quality, seq, value.
            lines.Append(series.Prefix)
                .Append(series.Channel is null || series.Channel.IsInPhysicalRange(reading.Value) ? " quality=\"good\"" : " quality=\"out_of_range\"");
            if (reading.Seq is { } seq)
            {
                lines.Append(",seq=").Append(seq).Append('i');
            }

            reading.Value.TryFormat(number, out var written, "R", CultureInfo.InvariantCulture);
            lines.Append(",value=").Append(number[..written]);
            lines.Append(' ').Append(UnixNanoseconds(reading.Timestamp));
            count++;
        }

        return count;
    }

    private SeriesLine Series(string deviceId, string channelName)
    {
        var points = new List<PointData>(1);
        Map(new TelemetryBatch(deviceId, [new Reading(deviceId, channelName, 0, DateTimeOffset.UnixEpoch, null)], DateTimeOffset.UnixEpoch), points);
        var line = points[0].ToLineProtocol();

        // The measurement and tags end at the first space that is not escaped.
        var fields = 0;
        while (line[fields] != ' ')
        {
            fields += line[fields] == '\\' ? 2 : 1;
        }

        registry.TryGetDevice(deviceId, out var device);
        Channel? channel = null;
        device?.TryGetChannel(channelName, out channel);
        return new SeriesLine(line[..fields], channel);
    }

    private sealed record SeriesLine(string Prefix, Channel? Channel);

    /// <summary>
    /// The point of one alarm transition in <c>alarm_events</c>: tags <c>site</c>, <c>tunnel</c>, <c>cabin</c>, <c>zone</c>,
    /// <c>device</c>, <c>priority</c>, <c>kind</c>, <c>state</c>, <c>transition</c>; fields <c>alarm_id</c>, <c>rule_id</c>,
    /// <c>sensor</c>, <c>value</c>, <c>limit</c>, <c>unit</c>, <c>message</c>, <c>location</c>, <c>seq</c>, <c>user</c> (who
    /// acknowledged), <c>by</c> (who made this transition), <c>reason</c>. Time: when the transition happened,
    /// with the last two nanosecond digits taken from its seq so that transitions within the same 100 ns stay apart.
    /// </summary>
    public static PointData Map(AlarmDto change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var point = PointData.Measurement(AlarmEvents)
            .Tag("site", change.SiteId).Tag("tunnel", change.TunnelId).Tag("cabin", change.CabinId).Tag("zone", change.ZoneId)
            .Tag("device", change.DeviceId).Tag("priority", change.Priority).Tag("kind", change.Kind).Tag("state", change.State)
            .Tag("transition", change.Transition)
            .Field("alarm_id", change.Id)
            .Field("rule_id", change.RuleId)
            .Field("sensor", change.SensorId)
            .Field("message", change.Message)
            .Field("location", change.Location)
            .Field("seq", change.Seq)
            .Timestamp(UnixNanoseconds(change.ChangedAt) + (change.Seq % 100), WritePrecision.Ns);
        if (change.Value is { } value)
        {
            point = point.Field("value", value);
        }

        if (change.Limit is { } limit)
        {
            point = point.Field("limit", limit);
        }

        if (change.Unit is { Length: > 0 } unit)
        {
            point = point.Field("unit", unit);
        }

        if (change.AcknowledgedBy is { Length: > 0 } user)
        {
            point = point.Field("user", user);
        }

        point = point.Field("by", change.By);
        if (change.Reason is { Length: > 0 } reason)
        {
            point = point.Field("reason", reason);
        }

        return point;
    }

    /// <summary>
    /// The point of one self-monitoring interval in <c>lifeline_platform</c>: tag <c>instance</c>, one float field per figure,
    /// time the end of the interval. Non-finite figures are left out.
    /// </summary>
    public static PointData Map(PlatformSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var point = PointData.Measurement(Platform).Tag("instance", sample.Instance);
        foreach (var (name, value) in sample.Fields)
        {
            if (double.IsFinite(value))
            {
                point = point.Field(name, value);
            }
        }

        return point.Timestamp(UnixNanoseconds(sample.Time), WritePrecision.Ns);
    }
}
