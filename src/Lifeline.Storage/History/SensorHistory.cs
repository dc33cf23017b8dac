using Lifeline.Domain.Assets;

namespace Lifeline.Storage.History;

/// <summary>Aggregated history of one sensor, for trends.</summary>
public interface ISensorHistory
{
    /// <summary>Min, mean and max per bucket of <paramref name="every"/> over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    Task<HistoryResult> QueryAsync(Device device, Channel channel, DateTimeOffset from, DateTimeOffset to, TimeSpan every, CancellationToken cancellationToken);
}

/// <summary>One bucket of a trend. Buckets without readings are left out.</summary>
/// <param name="Start">Start of the bucket.</param>
/// <param name="Min">Smallest reading.</param>
/// <param name="Mean">Mean of the readings.</param>
/// <param name="Max">Largest reading.</param>
/// <param name="Count">Readings in the bucket.</param>
public sealed record HistoryBucket(DateTimeOffset Start, double Min, double Mean, double Max, long Count);

/// <summary>A trend and where it came from.</summary>
/// <param name="Source"><c>influxdb</c>, or <c>memory</c> when no InfluxDB is configured.</param>
/// <param name="Every">The bucket width used (may be wider than asked when the source is coarser).</param>
/// <param name="Buckets">Buckets with readings, oldest first.</param>
/// <param name="AvailableFrom">The oldest time the source can answer for (memory only).</param>
/// <param name="Note">What the caller should know about the answer (e.g. the memory window).</param>
public sealed record HistoryResult(string Source, TimeSpan Every, IReadOnlyList<HistoryBucket> Buckets, DateTimeOffset? AvailableFrom, string? Note);
