namespace Lifeline.Server.SelfMonitoring;

/// <summary>
/// The platform's figures at one moment: counters since start (rates and per-interval counts are taken from two of
/// these) and gauges (current values).
/// </summary>
public sealed record PlatformFigures
{
    /// <summary>Readings evaluated by the rules since start (MQTT and Modbus).</summary>
    public long Readings { get; init; }

    /// <summary>MQTT telemetry messages received since start.</summary>
    public long Messages { get; init; }

    /// <summary>Rejects since start by reason (every reason, zeros included, so each has a continuous series).</summary>
    public IReadOnlyDictionary<string, long> RejectsByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>Alarm activations (raised or re-raised into annunciation) since start.</summary>
    public long AlarmsRaised { get; init; }

    /// <summary>Points stored in InfluxDB since start.</summary>
    public long PointsWritten { get; init; }

    /// <summary>Failed InfluxDB write attempts since start.</summary>
    public long WriteFailures { get; init; }

    /// <summary>Points InfluxDB refused as malformed since start.</summary>
    public long PointsRejected { get; init; }

    /// <summary>Durations of the InfluxDB writes that succeeded since the previous figures, in ms.</summary>
    public IReadOnlyList<double> WriteLatenciesMs { get; init; } = [];

    public long WalBacklogBytes { get; init; }

    public long WalBacklogRecords { get; init; }

    public long WalDiskBytes { get; init; }

    public double WalBacklogPercent { get; init; }

    /// <summary>Age of the oldest record not yet stored, in seconds (0 when all is stored).</summary>
    public double WalOldestUnstoredSeconds { get; init; }

    /// <summary>Batches waiting for rule evaluation.</summary>
    public int EvaluationBacklog { get; init; }

    public int ActiveAlarms { get; init; }

    public int DevicesReporting { get; init; }

    public int DevicesOffline { get; init; }
}

/// <summary>Reads the platform's figures (the server's own counters and services).</summary>
public interface IPlatformFigureSource
{
    PlatformFigures Read();
}
