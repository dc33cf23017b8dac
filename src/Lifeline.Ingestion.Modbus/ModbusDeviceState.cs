namespace Lifeline.Ingestion.Modbus;

/// <summary>How one polled device is doing, for <c>/health</c> and the console. Thread-safe.</summary>
public sealed class ModbusDeviceState
{
    private readonly Lock _lock = new();
    private bool _connected;
    private bool _commLoss;
    private bool _circuitOpen;
    private DateTimeOffset? _lastGoodPoll;
    private DateTimeOffset? _commLossSince;
    private string? _lastError;
    private int _consecutiveFailures;
    private long _polls;
    private long _failedPolls;
    private long _timeouts;
    private long _readings;
    private long _rejectedValues;
    private long _connects;

    internal ModbusDeviceState(string deviceId, string endpoint)
    {
        DeviceId = deviceId;
        Endpoint = endpoint;
    }

    /// <summary>Registry device id.</summary>
    public string DeviceId { get; }

    /// <summary><c>host:port/unit</c>.</summary>
    public string Endpoint { get; }

    /// <summary>A consistent copy of the figures.</summary>
    public ModbusDeviceSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ModbusDeviceSnapshot(
                DeviceId, Endpoint, _connected, _commLoss, _circuitOpen, _lastGoodPoll, _commLossSince, _lastError,
                _consecutiveFailures, _polls, _failedPolls, _timeouts, _readings, _rejectedValues, _connects);
        }
    }

    internal void SetConnected(bool connected)
    {
        lock (_lock)
        {
            if (connected && !_connected)
            {
                _connects++;
            }

            _connected = connected;
        }
    }

    internal void SetCircuitOpen(bool open)
    {
        lock (_lock)
        {
            _circuitOpen = open;
        }
    }

    internal void PollSucceeded(DateTimeOffset at)
    {
        lock (_lock)
        {
            _polls++;
            _consecutiveFailures = 0;
            _lastGoodPoll = at;
        }
    }

    internal void PollFailed(string? error, bool timeout)
    {
        lock (_lock)
        {
            _polls++;
            _failedPolls++;
            _consecutiveFailures++;
            _lastError = error ?? _lastError;
            if (timeout)
            {
                _timeouts++;
            }
        }
    }

    internal void SetCommLoss(bool commLoss, DateTimeOffset at)
    {
        lock (_lock)
        {
            _commLoss = commLoss;
            _commLossSince = commLoss ? at : null;
        }
    }

    internal void Refused(string error)
    {
        lock (_lock)
        {
            _lastError = error;
        }
    }

    internal void Delivered(int readings)
    {
        lock (_lock)
        {
            _readings += readings;
        }
    }

    internal void ValueRejected()
    {
        lock (_lock)
        {
            _rejectedValues++;
        }
    }
}

/// <summary>The figures of one polled device at one moment.</summary>
/// <param name="DeviceId">Registry device id.</param>
/// <param name="Endpoint"><c>host:port/unit</c>.</param>
/// <param name="Connected">The TCP connection is up.</param>
/// <param name="CommLoss">The device is in communication loss (reported offline to the pipeline).</param>
/// <param name="CircuitOpen">Reads fail at once until the break ends.</param>
/// <param name="LastGoodPoll">When a poll last got answers.</param>
/// <param name="CommLossSince">When the current communication loss began.</param>
/// <param name="LastError">The last failure or refusal.</param>
/// <param name="ConsecutiveFailures">Failed polls since the last good one.</param>
/// <param name="Polls">Polls made (good and failed).</param>
/// <param name="FailedPolls">Polls without an answer.</param>
/// <param name="Timeouts">Failed polls whose cause was a timeout.</param>
/// <param name="Readings">Readings handed to the pipeline.</param>
/// <param name="RejectedValues">Values dropped: undecodable or outside the channel's physical range.</param>
/// <param name="Connects">TCP connections made (more than one means it reconnected).</param>
public sealed record ModbusDeviceSnapshot(
    string DeviceId,
    string Endpoint,
    bool Connected,
    bool CommLoss,
    bool CircuitOpen,
    DateTimeOffset? LastGoodPoll,
    DateTimeOffset? CommLossSince,
    string? LastError,
    int ConsecutiveFailures,
    long Polls,
    long FailedPolls,
    long Timeouts,
    long Readings,
    long RejectedValues,
    long Connects);
