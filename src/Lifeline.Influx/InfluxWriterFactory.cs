using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lifeline.Influx;

/// <summary>Creates the <see cref="IInfluxWriter"/> for the configured API version.</summary>
public static class InfluxWriterFactory
{
    /// <summary>
    /// V1: line protocol over <paramref name="http"/> (or a client of its own when null) to <c>/write</c>.
    /// V2: InfluxDB.Client's write API (which keeps its own connection; <paramref name="http"/> is not used).
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid, or no InfluxDB is configured.</exception>
    public static IInfluxWriter Create(InfluxOptions options, ILoggerFactory? loggerFactory = null, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            throw new ArgumentException("No InfluxDB is configured (Influx:Url is empty): check InfluxOptions.IsConfigured first.", nameof(options));
        }

        InfluxOptionsValidator.ThrowIfInvalid(options);
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Lifeline.Influx.InfluxWriter");
        return options.ApiVersion == InfluxApiVersion.V1
            ? new InfluxV1Writer(options, http, logger)
            : new InfluxV2Writer(options, logger);
    }
}

/// <summary>The writer resolved from DI when no InfluxDB is configured: every write is a programming error.</summary>
internal sealed class UnconfiguredInfluxWriter : IInfluxWriter
{
    public Task WriteAsync(IReadOnlyList<InfluxDB.Client.Writes.PointData> points, CancellationToken ct) =>
        throw new InvalidOperationException("No InfluxDB is configured (Influx:Url is empty): nothing can be written. Check InfluxOptions.IsConfigured before writing.");

    public Task WriteLinesAsync(string lineProtocol, int count, CancellationToken ct) => WriteAsync([], ct);

    public Task WriteLinesAsync(ReadOnlyMemory<byte> utf8LineProtocol, int count, CancellationToken ct) => WriteAsync([], ct);

    public void Dispose()
    {
    }
}
