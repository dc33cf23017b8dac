namespace Lifeline.Influx;

/// <summary>How a write failed, for deciding whether to retry.</summary>
public enum InfluxWriteFailure
{
    /// <summary>No connection: refused, host unknown, connection reset. Transient.</summary>
    Unreachable,

    /// <summary>No answer within <see cref="InfluxOptions.Timeout"/> (or 408). Transient; the write may have been applied.</summary>
    Timeout,

    /// <summary>401/403/407: wrong credentials or missing privileges. Needs an operator; the data is fine.</summary>
    AuthRefused,

    /// <summary>404 or "retention policy not found": the database/bucket/policy (or the endpoint) does not exist. Needs an operator.</summary>
    DatabaseMissing,

    /// <summary>400/413/422: InfluxDB refused the data. Not retryable as is; on a "partial write" the other points were stored.</summary>
    Rejected,

    /// <summary>5xx, 429 or an unexpected status. Transient.</summary>
    ServerError,
}

/// <summary>A failed InfluxDB write. The message says what was written, where, and InfluxDB's own reason.</summary>
public sealed class InfluxWriteException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfluxWriteException(InfluxWriteFailure kind, string message, int? statusCode = null, string? serverMessage = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception of kind <see cref="InfluxWriteFailure.ServerError"/>.</summary>
    public InfluxWriteException()
        : this(InfluxWriteFailure.ServerError, "InfluxDB write failed")
    {
    }

    /// <summary>Creates an exception of kind <see cref="InfluxWriteFailure.ServerError"/>.</summary>
    public InfluxWriteException(string message)
        : this(InfluxWriteFailure.ServerError, message)
    {
    }

    /// <summary>Creates an exception of kind <see cref="InfluxWriteFailure.ServerError"/>.</summary>
    public InfluxWriteException(string message, Exception innerException)
        : this(InfluxWriteFailure.ServerError, message, innerException: innerException)
    {
    }

    /// <summary>How the write failed.</summary>
    public InfluxWriteFailure Kind { get; }

    /// <summary>The HTTP status InfluxDB (or a proxy in front of it) answered; null when there was no answer.</summary>
    public int? StatusCode { get; }

    /// <summary>InfluxDB's error text (e.g. <c>partial write: field type conflict: ... dropped=1</c>), when it gave one.</summary>
    public string? ServerMessage { get; }

    /// <summary>The server's <c>Retry-After</c> (429/503), when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>
    /// True for <see cref="InfluxWriteFailure.Unreachable"/>, <see cref="InfluxWriteFailure.Timeout"/> and
    /// <see cref="InfluxWriteFailure.ServerError"/>: the same write may succeed later without anyone doing anything.
    /// </summary>
    public bool IsTransient => Kind is InfluxWriteFailure.Unreachable or InfluxWriteFailure.Timeout or InfluxWriteFailure.ServerError;
}
