using System.ComponentModel.DataAnnotations;

namespace Lifeline.Ingestion.Modbus;

/// <summary>Configuration section <c>Modbus</c>: polling of PLCs and RTUs over Modbus TCP.</summary>
public sealed class ModbusOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Modbus";

    /// <summary>Poll the devices listed in <c>modbus.yaml</c>. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The profile file. Default: <c>modbus.yaml</c> in the registry directory (<c>Assets:Path</c>). Relative paths are
    /// tried from the working directory, then next to the binaries.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>How long one request waits for its response. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long establishing the TCP connection may take. Default 2 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a failed read within one poll (exponential backoff with jitter). Default 1.</summary>
    [Range(0, 10)]
    public int Retries { get; set; } = 1;

    /// <summary>Delay before the first retry; doubles with each further one. Default 100 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Consecutive failed polls after which a device is in communication loss. Default 3.</summary>
    [Range(1, 1000)]
    public int FailuresBeforeCommLoss { get; set; } = 3;

    /// <summary>
    /// A device with no good poll for this many of its (fastest) poll intervals is in communication loss, however few
    /// polls failed (slow timeouts, open circuit). Default 3.
    /// </summary>
    [Range(1, 1000)]
    public int CommLossIntervals { get; set; } = 3;

    /// <summary>Most unused registers one read may span to join two values. Default 8; 0 reads only adjacent values together.</summary>
    [Range(0, 123)]
    public int MaxRegisterGap { get; set; } = 8;

    /// <summary>Most unused coils or discrete inputs one read may span to join two values. Default 32.</summary>
    [Range(0, 1998)]
    public int MaxBitGap { get; set; } = 32;

    /// <summary>Requests on a device's connection at once. Default 1: many PLCs serve one transaction at a time.</summary>
    [Range(1, 64)]
    public int MaxInFlight { get; set; } = 1;

    /// <summary>Share of failed reads within <see cref="BreakerSamplingDuration"/> that opens a device's circuit. Default 0.8.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.8;

    /// <summary>Reads within <see cref="BreakerSamplingDuration"/> before the circuit may open. Default 4.</summary>
    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>Window over which the circuit breaker counts failures. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open circuit fails reads at once before one trial read (and reconnect). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>At most one log line per device and kind of problem per this interval; the rest are counted. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LogInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a command (<see cref="IModbusCommander"/>) waits after its write for the feedback channel to follow
    /// before it is reported <see cref="CommandWriteOutcome.NotConfirmed"/>. Default 5 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CommandReadBackTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a command reads its feedback channel back while waiting for it to follow. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.005", "00:01:00")]
    public TimeSpan CommandReadBackInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
