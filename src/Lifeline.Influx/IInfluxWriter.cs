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
}
