using Lifeline.Alarms;
using Lifeline.Server.Pipeline;

namespace Lifeline.Server.Endpoints;

/// <summary>JSON of <c>GET /api/sensors/{id}</c>: latest value, quality and the sensor's active alarms.</summary>
public sealed record SensorView(
    string Id,
    string DeviceId,
    string Channel,
    string SensorType,
    string Kind,
    string Unit,
    double Min,
    double Max,
    double? Value,
    DateTimeOffset? Timestamp,
    DateTimeOffset? ReceivedAt,
    long? Seq,
    string Quality,
    bool? DeviceOnline,
    string Location,
    IReadOnlyList<string> ActiveAlarms)
{
    public static SensorView From(SensorSnapshot s, AlarmService alarms)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(alarms);
        var id = s.Device.SensorId(s.Channel.Name);
        return new SensorView(
            id,
            s.Device.Id,
            s.Channel.Name,
            s.Channel.Type.Id,
            s.Channel.Kind.ToString(),
            s.Channel.Unit,
            s.Channel.Min,
            s.Channel.Max,
            s.Value,
            s.Timestamp,
            s.Timestamp is null ? null : s.ReceivedAt,
            s.Seq,
            s.Quality.ToString(),
            s.DeviceOnline,
            s.Device.Location.Description,
            alarms.ActiveIdsFor(id));
    }
}
