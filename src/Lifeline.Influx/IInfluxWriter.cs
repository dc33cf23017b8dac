using InfluxDB.Client.Writes;

namespace Lifeline.Influx;

/// <summary>
/// Writes points to the configured InfluxDB, one implementation per API version (see <see cref="InfluxWriterFactory"/>).
/// Thread-safe. A point's identity is its measurement, tag set and timestamp: writing the same point again overwrites
/// it, so a batch can be retried safely.
/// </summary>
public interface IInfluxWriter : IDisposable
{
    /// <summary>
    /// Writes the points in one request per timestamp precision (normally one: nanoseconds). Points without fields
    /// are skipped (they cannot be stored). Returns when InfluxDB has accepted the points.
    /// </summary>
    /// <exception cref="InfluxWriteException">The write failed; <see cref="InfluxWriteException.Kind"/> says how.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (never for a timeout).</exception>
    /// <exception cref="InvalidOperationException">No InfluxDB is configured (<see cref="InfluxOptions.IsConfigured"/>).</exception>
    Task WriteAsync(IReadOnlyList<PointData> points, CancellationToken ct);

    /// <summary>
    /// Writes <paramref name="count"/> points given as line protocol (one point per line, nanosecond timestamps) in one
    /// request. For bulk paths that build their lines once per series instead of one <see cref="PointData"/> per point.
    /// </summary>
    /// <exception cref="InfluxWriteException">The write failed; <see cref="InfluxWriteException.Kind"/> says how.</exception>
    Task WriteLinesAsync(string lineProtocol, int count, CancellationToken ct);

    /// <summary>
    /// The same, with the line protocol already encoded as UTF-8: the bulk path encodes into one reused buffer instead of
    /// allocating a large string and its bytes per request (large objects that would trigger generation-2 collections).
    /// The memory is read during the call only.
    /// </summary>
    Task WriteLinesAsync(ReadOnlyMemory<byte> utf8LineProtocol, int count, CancellationToken ct);
}
