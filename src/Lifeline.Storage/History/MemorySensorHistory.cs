using System.Collections.Concurrent;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Microsoft.Extensions.Options;

namespace Lifeline.Storage.History;

/// <summary>
/// The history served when no InfluxDB is configured: per sensor, a ring of min/sum/max/count buckets covering the
/// last <see cref="HistoryOptions.MemoryWindow"/> at <see cref="HistoryOptions.MemoryResolution"/>. Allocated on a
/// sensor's first reading (about 3.4 KB a sensor at the defaults). Answers say they come from memory and how far back
/// they reach.
/// </summary>
public sealed class MemorySensorHistory : ISensorHistory
{
    // Device → channel → ring: a reading finds its ring without building a sensor id string.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, Ring>> _rings = new(StringComparer.Ordinal);
    private readonly long _resolutionTicks;
    private readonly int _slots;
    private readonly TimeProvider _time;
    private readonly HistoryOptions _options;

    public MemorySensorHistory(IOptions<HistoryOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _resolutionTicks = _options.MemoryResolution.Ticks;
        _slots = (int)Math.Max(1, _options.MemoryWindow.Ticks / _resolutionTicks);
    }

    /// <summary>Sensors with a ring.</summary>
    public int Sensors => _rings.Values.Sum(d => d.Count);

    /// <summary>Adds a reading (called by the single pipeline consumer).</summary>
    public void Record(Reading reading)
    {
        var channels = _rings.GetOrAdd(reading.DeviceId, static _ => new ConcurrentDictionary<string, Ring>(StringComparer.Ordinal));
        var ring = channels.GetOrAdd(reading.Channel, static (_, slots) => new Ring(slots), _slots);
        ring.Add(reading.Timestamp.UtcTicks / _resolutionTicks, reading.Value);
    }

    public Task<HistoryResult> QueryAsync(Device device, Channel channel, DateTimeOffset from, DateTimeOffset to, TimeSpan every, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);

        // Buckets are whole multiples of the resolution: a finer request is answered at the resolution.
        var width = Math.Max(1, (every.Ticks + _resolutionTicks - 1) / _resolutionTicks);
        var availableFrom = new DateTimeOffset(((_time.GetUtcNow().UtcTicks / _resolutionTicks) - _slots + 1) * _resolutionTicks, TimeSpan.Zero);
        var buckets = new List<HistoryBucket>();
        if (_rings.TryGetValue(device.Id, out var channels) && channels.TryGetValue(channel.Name, out var ring))
        {
            var first = from.UtcTicks / _resolutionTicks;
            var last = (to.UtcTicks - 1) / _resolutionTicks;
            ring.Aggregate(first / width * width, last, width, (slot, min, sum, max, count) =>
                buckets.Add(new HistoryBucket(new DateTimeOffset(slot * _resolutionTicks, TimeSpan.Zero), min, sum / count, max, count)));
        }

        var note = $"InfluxDB is not configured: history is held in memory for the last {_options.MemoryWindow} at {_options.MemoryResolution} resolution, since the last start";
        return Task.FromResult(new HistoryResult("memory", TimeSpan.FromTicks(width * _resolutionTicks), buckets, availableFrom, note));
    }

    private sealed class Ring(int slots)
    {
        private readonly long[] _slot = InitSlots(slots);
        private readonly double[] _min = new double[slots];
        private readonly double[] _max = new double[slots];
        private readonly double[] _sum = new double[slots];
        private readonly int[] _count = new int[slots];
        private readonly Lock _gate = new();

        public void Add(long slot, double value)
        {
            var i = (int)(slot % _slot.Length);
            lock (_gate)
            {
                if (_slot[i] != slot)
                {
                    if (_slot[i] > slot)
                    {
                        return; // older than the window
                    }

                    _slot[i] = slot;
                    _min[i] = value;
                    _max[i] = value;
                    _sum[i] = 0;
                    _count[i] = 0;
                }

                _min[i] = Math.Min(_min[i], value);
                _max[i] = Math.Max(_max[i], value);
                _sum[i] += value;
                _count[i]++;
            }
        }

        public delegate void BucketCallback(long slot, double min, double sum, double max, long count);

        /// <summary>Merges the slots in [first, last] into buckets of <paramref name="width"/> slots, oldest first.</summary>
        public void Aggregate(long first, long last, long width, BucketCallback emit)
        {
            lock (_gate)
            {
                var lo = Math.Max(first, last - _slot.Length + 1);
                for (var start = first; start <= last; start += width)
                {
                    double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0;
                    long count = 0;
                    for (var s = Math.Max(start, lo); s < start + width && s <= last; s++)
                    {
                        var i = (int)(s % _slot.Length);
                        if (_slot[i] != s || _count[i] == 0)
                        {
                            continue;
                        }

                        min = Math.Min(min, _min[i]);
                        max = Math.Max(max, _max[i]);
                        sum += _sum[i];
                        count += _count[i];
                    }

                    if (count > 0)
                    {
                        emit(start, min, sum, max, count);
                    }
                }
            }
        }

        private static long[] InitSlots(int slots)
        {
            var array = new long[slots];
            Array.Fill(array, long.MinValue);
            return array;
        }
    }
}
