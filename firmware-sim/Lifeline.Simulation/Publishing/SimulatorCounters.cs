namespace Lifeline.Simulation.Publishing;

/// <summary>Thread-safe counters of a simulator run: messages sent, errors, connections and the current rate.</summary>
public sealed class SimulatorCounters
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _timeProvider;
    private readonly Lock _rateLock = new();
    private long _sent;
    private long _errors;
    private long _commandsApplied;
    private long _commandsRejected;
    private int _connected;
    private int _devices;
    private string? _lastError;
    private long _windowSent;
    private DateTimeOffset _windowStart;
    private double _rate;

    public SimulatorCounters(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _windowStart = timeProvider.GetUtcNow();
    }

    public long Sent => Interlocked.Read(ref _sent);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Command values received over MQTT, or written over Modbus, and applied to a simulated device's equipment.</summary>
    public long CommandsApplied => Interlocked.Read(ref _commandsApplied);

    /// <summary>Command messages or values received over MQTT and ignored (malformed, unknown device or channel).</summary>
    public long CommandsRejected => Interlocked.Read(ref _commandsRejected);

    public int ConnectedClients => Volatile.Read(ref _connected);

    internal void MessageSent() => Interlocked.Increment(ref _sent);

    internal void Error(string message)
    {
        Interlocked.Increment(ref _errors);
        Volatile.Write(ref _lastError, message);
    }

    internal void CommandApplied() => Interlocked.Increment(ref _commandsApplied);

    internal long CommandRejected() => Interlocked.Increment(ref _commandsRejected);

    internal void Connected() => Interlocked.Increment(ref _connected);

    internal void Disconnected() => Interlocked.Decrement(ref _connected);

    internal void SetDevices(int count) => Volatile.Write(ref _devices, count);

    /// <summary>The counters now; the rate is recomputed when at least a second has passed since the last computation.</summary>
    public SimulatorStatistics Snapshot()
    {
        var sent = Sent;
        lock (_rateLock)
        {
            var now = _timeProvider.GetUtcNow();
            var elapsed = now - _windowStart;
            if (elapsed >= RateWindow)
            {
                _rate = (sent - _windowSent) / elapsed.TotalSeconds;
                _windowSent = sent;
                _windowStart = now;
            }

            return new SimulatorStatistics(sent, Errors, _rate, ConnectedClients, Volatile.Read(ref _devices), Volatile.Read(ref _lastError));
        }
    }
}
