using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Lifeline.Benchmarks;

/// <summary>
/// Listens to the runtime's GC events in this process: why each collection started (by generation) and, for large-object
/// allocations (the usual trigger of generation-2 collections), which types were allocated, sampled every ~100 KB.
/// </summary>
internal sealed class GcReasons : EventListener
{
    // Runtime event ids: GCStart_V2 = 1, GCAllocationTick = 10; keyword GC = 0x1.
    private const int GcStart = 1;
    private const int AllocationTick = 10;
    private static readonly string[] s_reasons = ["small alloc", "induced", "low memory", "empty", "large alloc", "out of space (SOH)", "out of space (LOH)", "induced not forced", "internal", "induced low memory", "induced compacting", "low memory host", "PM full GC", "low memory host blocking"];

    private readonly ConcurrentDictionary<string, int> _collections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _largeTypes = new(StringComparer.Ordinal);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
        {
            return;
        }

        object? Field(string name) => names.IndexOf(name) is var i and >= 0 ? payload[i] : null;
        if (eventData.EventId == GcStart)
        {
            var depth = Convert.ToInt32(Field("Depth"), CultureInfo.InvariantCulture);
            var reason = Convert.ToInt32(Field("Reason"), CultureInfo.InvariantCulture);
            var key = string.Create(CultureInfo.InvariantCulture, $"gen {depth}: {(reason >= 0 && reason < s_reasons.Length ? s_reasons[reason] : reason.ToString(CultureInfo.InvariantCulture))}");
            _collections.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
        else if (eventData.EventId == AllocationTick && Convert.ToInt32(Field("AllocationKind"), CultureInfo.InvariantCulture) == 1)
        {
            var type = Field("TypeName") as string ?? "?";
            _largeTypes.AddOrUpdate(type, 1, (_, n) => n + 1);
        }
    }

    /// <summary>Collections by generation and reason, then the most sampled large-object types.</summary>
    public string Summary()
    {
        var collections = string.Join(", ", _collections.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} × {p.Value}"));
        var large = string.Join(", ", _largeTypes.OrderByDescending(p => p.Value).Take(5).Select(p => $"{p.Key} × {p.Value}"));
        return $"GC collections: {(collections.Length == 0 ? "none" : collections)}; large-object allocation samples: {(large.Length == 0 ? "none" : large)}";
    }
}
