using System.Text;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>Turns two readings of the platform's figures into the fields of one <c>lifeline_platform</c> point.</summary>
public static class PlatformSampler
{
    /// <summary>
    /// Fields over the interval from <paramref name="previous"/> to <paramref name="current"/> (<paramref name="elapsed"/>
    /// apart): rates per second, counts in the interval, gauges as they are now, and write latency percentiles when
    /// InfluxDB writes succeeded in the interval (left out otherwise: no write, no latency).
    /// </summary>
    public static SortedDictionary<string, double> Fields(PlatformFigures previous, PlatformFigures current, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(current);
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-3);
        var fields = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["readings"] = Delta(previous.Readings, current.Readings),
            ["readings_per_s"] = Delta(previous.Readings, current.Readings) / seconds,
            ["messages_per_s"] = Delta(previous.Messages, current.Messages) / seconds,
            ["alarms_raised"] = Delta(previous.AlarmsRaised, current.AlarmsRaised),
            ["points_written"] = Delta(previous.PointsWritten, current.PointsWritten),
            ["points_per_s"] = Delta(previous.PointsWritten, current.PointsWritten) / seconds,
            ["write_failures"] = Delta(previous.WriteFailures, current.WriteFailures),
            ["points_rejected"] = Delta(previous.PointsRejected, current.PointsRejected),
            ["wal_backlog_bytes"] = current.WalBacklogBytes,
            ["wal_backlog_records"] = current.WalBacklogRecords,
            ["wal_backlog_percent"] = current.WalBacklogPercent,
            ["wal_disk_bytes"] = current.WalDiskBytes,
            ["wal_oldest_unstored_s"] = current.WalOldestUnstoredSeconds,
            ["eval_backlog_batches"] = current.EvaluationBacklog,
            ["active_alarms"] = current.ActiveAlarms,
            ["devices_reporting"] = current.DevicesReporting,
            ["devices_offline"] = current.DevicesOffline,
        };

        long rejects = 0;
        foreach (var (reason, count) in current.RejectsByReason)
        {
            var delta = Delta(previous.RejectsByReason.GetValueOrDefault(reason), count);
            rejects += delta;
            fields["rejects_" + SnakeCase(reason)] = delta;
        }

        fields["rejects"] = rejects;
        fields["rejects_per_s"] = rejects / seconds;

        if (current.WriteLatenciesMs.Count > 0)
        {
            var sorted = current.WriteLatenciesMs.Order().ToArray();
            fields["write_latency_ms_mean"] = sorted.Average();
            fields["write_latency_ms_p50"] = Percentile(sorted, 0.50);
            fields["write_latency_ms_p99"] = Percentile(sorted, 0.99);
            fields["write_latency_ms_max"] = sorted[^1];
        }

        // JSON (the log record) and InfluxDB take only finite numbers.
        foreach (var name in fields.Where(f => !double.IsFinite(f.Value)).Select(f => f.Key).ToList())
        {
            fields.Remove(name);
        }

        return fields;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        ArgumentOutOfRangeException.ThrowIfZero(sorted.Count);
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary><c>MalformedJson</c> → <c>malformed_json</c>.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var result = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    result.Append('_');
                }

                result.Append(char.ToLowerInvariant(c));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    // A counter that went down (a restart of the source) counts from zero.
    private static long Delta(long previous, long current) => current >= previous ? current - previous : current;
}
