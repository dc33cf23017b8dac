using System.Collections.Concurrent;

namespace Lifeline.Ingestion.Modbus;

/// <summary>Lets through at most one log line per key per interval and counts the ones held back.</summary>
internal sealed class RateLimitedLog(TimeProvider time, TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>True when a line for <paramref name="key"/> may be logged now; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool ShouldLog(string key, out long suppressed)
    {
        var entry = _entries.GetOrAdd(key, _ => new Entry());
        lock (entry)
        {
            var now = time.GetTimestamp();
            if (entry.Logged && time.GetElapsedTime(entry.LastLogged, now) < interval)
            {
                entry.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            entry.Suppressed = 0;
            entry.LastLogged = now;
            entry.Logged = true;
            return true;
        }
    }

    private sealed class Entry
    {
        public bool Logged { get; set; }

        public long LastLogged { get; set; }

        public long Suppressed { get; set; }
    }
}
