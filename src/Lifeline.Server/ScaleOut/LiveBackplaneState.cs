using StackExchange.Redis;

namespace Lifeline.Server.ScaleOut;

/// <summary>The Redis backplane's connection, for <c>/health</c> and for tests.</summary>
public sealed class LiveBackplaneState
{
    private volatile IConnectionMultiplexer? _connection;
    private volatile bool _subscribed;
    private volatile string? _lastError;

    /// <summary>True once this instance has published through the backplane, which also subscribes it to every push.</summary>
    public bool Subscribed => _subscribed;

    public bool Connected => _connection?.IsConnected == true;

    public string? LastError => _lastError;

    internal void SetConnection(IConnectionMultiplexer connection)
    {
        _connection = connection;
        connection.ConnectionFailed += (_, e) => _lastError = $"{e.FailureType}: {e.Exception?.Message}";
        connection.ConnectionRestored += (_, _) => _lastError = null;
    }

    internal void SetSubscribed() => _subscribed = true;

    internal void SetError(string error) => _lastError = error;
}
