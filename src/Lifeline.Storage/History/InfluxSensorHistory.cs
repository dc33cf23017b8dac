using Lifeline.Domain.Assets;
using Lifeline.Influx;
using Lifeline.Storage.Schema;

namespace Lifeline.Storage.History;

/// <summary>History from InfluxDB, in InfluxQL over <c>/query</c> (served by InfluxDB 1.x, 2.x and 3.x alike).</summary>
public sealed class InfluxSensorHistory(InfluxQueryClient query) : ISensorHistory
{
    public async Task<HistoryResult> QueryAsync(Device device, Channel channel, DateTimeOffset from, DateTimeOffset to, TimeSpan every, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        var seconds = Math.Max(1, (long)Math.Ceiling(every.TotalSeconds));
        var influxQl =
            $"SELECT min(\"value\"), mean(\"value\"), max(\"value\"), count(\"value\") FROM {InfluxQl.QuoteIdentifier(PointSchema.MeasurementOf(channel))} " +
            $"WHERE \"device\" = {InfluxQl.QuoteString(device.Id)} AND \"channel\" = {InfluxQl.QuoteString(channel.Name)} " +
            $"AND time >= {PointSchema.UnixNanoseconds(from)} AND time < {PointSchema.UnixNanoseconds(to)} " +
            $"GROUP BY time({seconds}s) fill(none)";
        var result = await query.QueryAsync(influxQl, InfluxEpoch.Milliseconds, cancellationToken);
        var buckets = new List<HistoryBucket>();
        foreach (var series in result.Series)
        {
            for (var row = 0; row < series.Values.Count; row++)
            {
                var count = series.GetInt64(row, "count") ?? 0;
                if (count == 0)
                {
                    continue;
                }

                buckets.Add(new HistoryBucket(
                    series.GetTime(row),
                    series.GetDouble(row, "min") ?? double.NaN,
                    series.GetDouble(row, "mean") ?? double.NaN,
                    series.GetDouble(row, "max") ?? double.NaN,
                    count));
            }
        }

        return new HistoryResult("influxdb", TimeSpan.FromSeconds(seconds), buckets, null, null);
    }
}
