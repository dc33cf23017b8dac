namespace Lifeline.Influx;

/// <summary>An InfluxQL query failed: the server's own message (parse error, unknown database, ...) or why there was no answer.</summary>
public sealed class InfluxQueryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InfluxQueryException(string message, string? serverMessage, int? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ServerMessage = serverMessage;
        StatusCode = statusCode;
    }

    /// <summary>Creates the exception.</summary>
    public InfluxQueryException()
        : this("InfluxQL query failed", serverMessage: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxQueryException(string message)
        : this(message, serverMessage: null)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InfluxQueryException(string message, Exception innerException)
        : this(message, null, null, innerException)
    {
    }

    /// <summary>InfluxDB's error text (e.g. <c>error parsing query: ...</c>), when it answered with one.</summary>
    public string? ServerMessage { get; }

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? StatusCode { get; }
}
