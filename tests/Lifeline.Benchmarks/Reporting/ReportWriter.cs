using System.Globalization;
using System.Text;

namespace Lifeline.Benchmarks.Reporting;

/// <summary>Figures of one load level over its repeats: medians of the per-repeat figures.</summary>
public sealed record LoadSummary(
    double P50,
    double P99,
    double Max,
    double P99Lowest,
    double P99Highest,
    double IngestP50,
    double IngestP99,
    double PushP50,
    double PushP99,
    double BrokerP50,
    double BrokerP99,
    int Samples,
    int Lost,
    double Offered,
    double Achieved,
    double Evaluated,
    double Stored,
    double StorageLag,
    double RssMedian,
    double RssHighest)
{
    /// <summary>A publisher that delivered at least this share of what it was asked for kept its rate.</summary>
    public const double RateKeptShare = 0.98;

    public bool RateKept => Offered > 0 && Achieved / Offered >= RateKeptShare;

    public static LoadSummary Of(IReadOnlyList<LoadRepeat> repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Count == 0 || repeats.Any(r => r.Totals.Count == 0))
        {
            throw new ArgumentException("every load needs at least one repeat with at least one latency sample (delivered or lost)", nameof(repeats));
        }

        double Med(Func<LoadRepeat, double> f) => Percentiles.Median(repeats.Select(f).ToArray());

        // The parts of the latency exist only for delivered samples; a repeat that lost them all has none (NaN).
        double Pct(LoadRepeat r, Func<LatencySample, double> f, double p) => r.Samples.Count == 0 ? double.NaN : Percentiles.Of(r.Samples.Select(f).ToArray(), p);
        var p99s = repeats.Select(r => Percentiles.Of(r.Totals, 0.99)).ToArray();
        return new LoadSummary(
            Med(r => Percentiles.Of(r.Totals, 0.5)),
            Percentiles.Median(p99s),
            Med(r => r.Totals.Max()),
            p99s.Min(),
            p99s.Max(),
            Med(r => Pct(r, s => s.IngestMs, 0.5)),
            Med(r => Pct(r, s => s.IngestMs, 0.99)),
            Med(r => Pct(r, s => s.PushMs, 0.5)),
            Med(r => Pct(r, s => s.PushMs, 0.99)),
            Med(r => Pct(r, s => s.BrokerMs, 0.5)),
            Med(r => Pct(r, s => s.BrokerMs, 0.99)),
            repeats.Sum(r => r.Samples.Count),
            repeats.Sum(r => r.Lost),
            Med(r => r.OfferedMessagesPerSecond),
            Med(r => r.AchievedMessagesPerSecond),
            Med(r => r.EvaluatedReadingsPerSecond),
            Med(r => r.StoredPointsPerSecond),
            Med(r => r.StorageLagSeconds),
            Med(r => r.RssMegabytes.Count == 0 ? double.NaN : Percentiles.Median(r.RssMegabytes.ToArray())),
            repeats.Max(r => r.RssMegabytes.Count == 0 ? double.NaN : r.RssMegabytes.Max()));
    }
}

/// <summary>Where the slowest samples spent their time: those at or above the p99 of all samples of a load.</summary>
public sealed record TailBreakdown(int Count, double Threshold, double MeanTotal, double MeanBroker, double MeanIngest, double MeanPush, int WithGcPause, double MeanGcPause)
{
    public static TailBreakdown Of(IReadOnlyCollection<LatencySample> samples, double p)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new TailBreakdown(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0, double.NaN);
        }

        var threshold = Percentiles.Of(samples.Select(s => s.TotalMs).ToArray(), p);
        var tail = samples.Where(s => s.TotalMs >= threshold).ToArray();
        return new TailBreakdown(
            tail.Length,
            threshold,
            tail.Average(s => s.TotalMs),
            tail.Average(s => s.BrokerMs),
            tail.Average(s => s.IngestMs),
            tail.Average(s => s.PushMs),
            tail.Count(s => s.GcPauseMs > 0),
            tail.Average(s => s.GcPauseMs));
    }
}

/// <summary>Writes <see cref="BenchmarkReport"/> as the markdown of <c>artifacts/benchmarks/report.md</c>.</summary>
public static class ReportWriter
{
    /// <summary>Invariant numbers; a lost sample's infinite latency shows as ∞ and a missing figure as —.</summary>
    private static readonly CultureInfo Format = CreateFormat();

    public static string Write(BenchmarkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = report.Conditions;
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(Format));

        Line($"# Lifeline benchmark report ({c.StartedAt:yyyy-MM-dd HH:mm} UTC)");
        md.AppendLine();
        Line($"{c.Machine}; {c.Versions}. {c.Repeats} repeat(s) of every measurement, medians over repeats; the raw limits are measured in the same run, each repeat beside its own Lifeline measurement. Load average (1 min) at start / end: {c.LoadAverage}. Run took {c.Duration.TotalMinutes:F1} min.");
        md.AppendLine();

        var influx = Percentiles.Median(report.Throughput.Select(t => t.RawInflux).ToArray());
        var broker = Percentiles.Median(report.Throughput.Select(t => t.RawBroker).ToArray());
        var lifeline = Percentiles.Median(report.Throughput.Select(t => t.Lifeline).ToArray());
        var loads = report.Loads.Select(l => (Load: l, Summary: LoadSummary.Of(l.Repeats))).ToList();

        md.AppendLine("| figure | conditions | Lifeline | raw limits, same run | Lifeline ÷ raw limit | target | result |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        Line($"| sustained throughput | MQTT QoS 1 publish → write-ahead log (fsync per group) → InfluxDB, {c.StorageMessages:N0} messages × {c.ReadingsPerMessage:F1} readings, until InfluxDB holds every reading | **{lifeline:N0} readings/s** | InfluxDB {influx:N0} points/s; Mosquitto {broker:N0} readings/s | {Ratio(lifeline, influx)} of InfluxDB; {Ratio(lifeline, broker)} of Mosquitto | — | — |");
        foreach (var (load, s) in loads)
        {
            Line($"| alarm latency p50 / **p99** (max) | {Name(load.Factor)}: {s.Evaluated:N0} readings/s evaluated | {s.P50:F1} / **{s.P99:F1} ms** ({s.Max:F1} ms) | Mosquitto alone, same messages, same moment: p50 / p99 {s.BrokerP50:F1} / {s.BrokerP99:F1} ms; InfluxDB {influx:N0} points/s; Mosquitto {broker:N0} readings/s | load = {Ratio(s.Evaluated, influx)} of InfluxDB; {Ratio(s.Evaluated, broker)} of Mosquitto | p99 ≤ {load.Target.Limit:0.##} ms | {load.Target.Verdict(s.P99)} |");
        }

        if (loads.FirstOrDefault(l => l.Load.Factor == 1) is { Load: not null } city)
        {
            Line($"| memory: RSS of the benchmark process (VmRSS, /proc/self/status), highest of {c.Window.TotalSeconds:F0} s × {c.Repeats} samples (median) | full topology at city load; the process holds the server, the simulator (MQTT publishers and the 51 Modbus slaves) and the measuring clients | **{city.Summary.RssHighest:N0} MB** ({city.Summary.RssMedian:N0} MB) | — | — | ≤ {Target.Rss.Limit:0} MB | {Target.Rss.Verdict(city.Summary.RssHighest)} |");
        }

        md.AppendLine();
        md.AppendLine("Loads (every run starts a fresh platform with Mosquitto, InfluxDB and the full Baoshan registry):");
        md.AppendLine();
        foreach (var (load, _) in loads)
        {
            Line($"- **{Name(load.Factor)}**: {load.Description}");
        }

        md.AppendLine();
        Line($"Latency samples: {c.LatencySamples} per repeat and load, an O₂ reading of 17.0 % (a life-safety alarm) published at QoS 1 to a different gas-cabin device each time, spread at random over a {c.Window.TotalSeconds:F0} s window after a {c.Warmup.TotalSeconds:F0} s warm-up; latency is the time from the publish call to the `AlarmChanged` (state `Unacknowledged`) of that sensor at a SignalR client connected with an operator token. p50 and p99 are nearest-rank percentiles of each repeat; the table gives their medians over repeats.");
        md.AppendLine();

        md.AppendLine("Load generators (the simulator in the benchmark process; offered = MQTT devices × rate, achieved = messages the broker acknowledged per second over the window):");
        md.AppendLine();
        md.AppendLine("| load | offered msg/s | achieved msg/s | achieved ÷ offered | rate kept | readings/s evaluated | points/s stored in InfluxDB | storage lag at window end |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (load, s) in loads)
        {
            Line($"| {Name(load.Factor)} | {s.Offered:N0} | {s.Achieved:N0} | {Ratio(s.Achieved, s.Offered)} | {(s.RateKept ? "yes" : "**no**")} | {s.Evaluated:N0} | {s.Stored:N0} | {s.StorageLag:F1} s |");
        }

        md.AppendLine();
        md.AppendLine("Where the time goes (split at the alarm's `changedAt`, the wall-clock time the rules evaluated the reading):");
        md.AppendLine();
        md.AppendLine("| load | samples (lost: no alarm even 3 min after the window, with the load stopped, counted as ∞; those later than 30 s count with their real latency) | publish → delivered by Mosquitto to a plain subscriber p50 / p99 | publish → evaluated p50 / p99 | evaluated → SignalR client p50 / p99 | p99 of each repeat (lowest – highest) |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var (load, s) in loads)
        {
            Line($"| {Name(load.Factor)} | {s.Samples:N0} ({s.Lost:N0} lost) | {s.BrokerP50:F1} / {s.BrokerP99:F1} ms | {s.IngestP50:F1} / {s.IngestP99:F1} ms | {s.PushP50:F1} / {s.PushP99:F1} ms | {s.P99Lowest:F1} – {s.P99Highest:F1} ms |");
        }

        md.AppendLine();
        md.AppendLine("The slowest samples (at or above the p99 of all repeats' samples together) and the process's counters over the windows (medians over repeats):");
        md.AppendLine();
        md.AppendLine("| load | slow samples | mean latency | Mosquitto alone for the same messages | of which publish → evaluated / → client | with a GC pause in flight | mean GC pause | process CPU | machine CPU | threads of this process waiting for a CPU (mean) | GCs gen 0 / 1 / 2 | max thread-pool queue | lock contentions |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (load, _) in loads)
        {
            var tail = TailBreakdown.Of(load.Repeats.SelectMany(r => r.Samples).ToArray(), 0.99);
            double Med(Func<LoadRepeat, double> f) => Percentiles.Median(load.Repeats.Select(f).ToArray());
            Line($"| {Name(load.Factor)} | {tail.Count} (≥ {tail.Threshold:F1} ms) | {tail.MeanTotal:F1} ms | {tail.MeanBroker:F1} ms | {tail.MeanIngest:F1} / {tail.MeanPush:F1} ms | {tail.WithGcPause} | {tail.MeanGcPause:F1} ms | {Med(r => r.ProcessCores):F2} cores | {Med(r => r.MachineCores):F2} of {Environment.ProcessorCount} cores | {Med(r => r.RunQueueWait):F2} | {Med(r => r.Collections[0]):F0} / {Med(r => r.Collections[1]):F0} / {Med(r => r.Collections[2]):F0} | {Med(r => r.MaxThreadPoolQueue):N0} | {Med(r => r.LockContentions):N0} |");
        }

        md.AppendLine();
        md.AppendLine("Every repeat:");
        md.AppendLine();
        md.AppendLine("| repeat | raw InfluxDB points/s | raw Mosquitto readings/s | Lifeline readings/s | " + string.Join(" | ", loads.Select(l => $"{Name(l.Load.Factor)} p50 / p99 / RSS max")) + " |");
        md.AppendLine("|---|---|---|---|" + string.Concat(loads.Select(_ => "---|")));
        for (var i = 0; i < Math.Max(report.Throughput.Count, loads.Max(l => l.Load.Repeats.Count)); i++)
        {
            var t = i < report.Throughput.Count ? report.Throughput[i] : default;
            var cells = loads.Select(l => i < l.Load.Repeats.Count ? RepeatCell(l.Load.Repeats[i]) : "—");
            Line($"| {i + 1} | {t.RawInflux:N0} | {t.RawBroker:N0} | {t.Lifeline:N0} | {string.Join(" | ", cells)} |");
        }

        md.AppendLine();
        md.AppendLine("Hot paths (parse, validate, evaluate one message) are measured by BenchmarkDotNet separately: `dotnet run -c Release --project tests/Lifeline.Benchmarks -- hot --job short`.");
        return md.ToString();
    }

    private static CultureInfo CreateFormat()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.PositiveInfinitySymbol = "∞";
        culture.NumberFormat.NaNSymbol = "—";
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>"83 %" for 0.83; "—" when the limit is missing.</summary>
    public static string Ratio(double value, double limit) =>
        limit > 0 && !double.IsNaN(value) ? (value / limit).ToString("P0", Format) : "—";

    private static string Name(int factor) => factor == 1 ? "city load" : string.Create(Format, $"{factor}× city load");

    private static string RepeatCell(LoadRepeat r) => string.Create(
        Format,
        $"{Percentiles.Of(r.Totals, 0.5):F1} / {Percentiles.Of(r.Totals, 0.99):F1} ms / {(r.RssMegabytes.Count == 0 ? double.NaN : r.RssMegabytes.Max()):N0} MB");
}
