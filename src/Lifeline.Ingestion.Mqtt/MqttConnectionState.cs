namespace Lifeline.Ingestion.Mqtt;

/// <summary>What the ingestion client's connection looks like now, for health and the console.</summary>
public sealed class MqttConnectionState
{
    private int _connected;
    private long _connects;

    public bool IsConnected => Volatile.Read(ref _connected) == 1;

    /// <summary>Successful connections since start (more than one means it reconnected).</summary>
    public long Connects => Interlocked.Read(ref _connects);

    public string? LastError { get; private set; }

    public DateTimeOffset? Since { get; private set; }

    internal void SetConnected(DateTimeOffset at)
    {
        Interlocked.Increment(ref _connects);
        Since = at;
        LastError = null;
        Volatile.Write(ref _connected, 1);
    }

    internal void SetDisconnected(DateTimeOffset at, string? error)
    {
        Since = at;
        LastError = error;
        Volatile.Write(ref _connected, 0);
    }
}
