namespace Lifeline.Benchmarks.Reporting;

/// <summary>
/// One alarm's latency: MQTT publish → <c>AlarmChanged</c> at the SignalR client, split at the alarm's <c>changedAt</c>
/// (the wall-clock time the rule engine evaluated the reading), so <see cref="IngestMs"/> is broker + ingestion + queue
/// + rules and <see cref="PushMs"/> is alarm service + observers + broadcaster + SignalR. <see cref="GcPauseMs"/> is the
/// garbage collector's pause time in this process while the sample was in flight. <see cref="BrokerMs"/> is the raw
/// broker's part measured at the same moment: publish → the same message delivered by Mosquitto to a plain QoS 1
/// subscriber in the measuring process.
/// </summary>
public readonly record struct LatencySample(double TotalMs, double IngestMs, double PushMs, double GcPauseMs, double BrokerMs);

/// <summary>One repeat of MQTT → WAL → InfluxDB throughput, in readings (points) per second, with the raw limits of the same repeat.</summary>
public readonly record struct ThroughputRepeat(double RawInflux, double RawBroker, double Lifeline);

/// <summary>One repeat of the platform at a load: latency samples, rates, memory and counters over the measuring window.</summary>
public sealed record LoadRepeat
{
    public required IReadOnlyList<LatencySample> Samples { get; init; }

    /// <summary>Samples whose alarm never reached the client within the harness's timeout: they count as infinite latencies.</summary>
    public int Lost { get; init; }

    /// <summary>Every sample's total latency, lost ones as +∞.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<double> Totals => [.. Samples.Select(s => s.TotalMs), .. Enumerable.Repeat(double.PositiveInfinity, Lost)];

    /// <summary>Telemetry messages per second the simulator was asked for (MQTT devices × rate).</summary>
    public required double OfferedMessagesPerSecond { get; init; }

    /// <summary>Telemetry messages per second the broker acknowledged to the simulator over the window.</summary>
    public required double AchievedMessagesPerSecond { get; init; }

    /// <summary>Readings per second the rule engine evaluated over the window (MQTT and Modbus).</summary>
    public required double EvaluatedReadingsPerSecond { get; init; }

    /// <summary>Points per second the forwarder wrote to InfluxDB over the window.</summary>
    public required double StoredPointsPerSecond { get; init; }

    /// <summary>Age of the oldest reading not yet in InfluxDB at the end of the window, in seconds (0 when none).</summary>
    public required double StorageLagSeconds { get; init; }

    /// <summary>Resident set size of the benchmark process, sampled once a second over the window, in MB (10⁶ bytes).</summary>
    public required IReadOnlyList<double> RssMegabytes { get; init; }

    /// <summary>CPU used by this process over the window, in cores (1.0 = one core busy).</summary>
    public required double ProcessCores { get; init; }

    /// <summary>CPU used by the whole machine over the window (every process, every user), in cores.</summary>
    public required double MachineCores { get; init; }

    /// <summary>Garbage collections of each generation (0, 1, 2) during the window.</summary>
    public required IReadOnlyList<int> Collections { get; init; }

    /// <summary>Thread-pool work items queued, sampled once a second: the largest seen.</summary>
    public required long MaxThreadPoolQueue { get; init; }

    /// <summary>Monitor lock contentions during the window.</summary>
    public required long LockContentions { get; init; }

    /// <summary>
    /// Time this process's threads spent runnable but waiting for a CPU (Linux schedstat), per second of window: 0.5
    /// means that on average half a thread was ready to run and found no free core.
    /// </summary>
    public required double RunQueueWait { get; init; }
}

/// <summary>A load level and its repeats.</summary>
/// <param name="Factor">1 for city load, 10 for 10×.</param>
/// <param name="Description">What the load is, precisely.</param>
/// <param name="Target">The p99 latency target at this load.</param>
public sealed record LoadResult(int Factor, string Description, Target Target, IReadOnlyList<LoadRepeat> Repeats);

/// <summary>How the run was made, for the report's header.</summary>
public sealed record RunConditions
{
    public required DateTimeOffset StartedAt { get; init; }

    public required TimeSpan Duration { get; init; }

    public required string Machine { get; init; }

    public required int Repeats { get; init; }

    public required int StorageMessages { get; init; }

    public required double ReadingsPerMessage { get; init; }

    public required int LatencySamples { get; init; }

    public required TimeSpan Warmup { get; init; }

    public required TimeSpan Window { get; init; }

    /// <summary>Load averages (1 min) read at the start and the end of the run.</summary>
    public required string LoadAverage { get; init; }

    public required int Devices { get; init; }

    public required string Versions { get; init; }
}

/// <summary>Everything the one report shows.</summary>
public sealed record BenchmarkReport(RunConditions Conditions, IReadOnlyList<ThroughputRepeat> Throughput, IReadOnlyList<LoadResult> Loads);
