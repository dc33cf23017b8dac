namespace Lifeline.Simulation.Signals;

/// <summary>
/// A process-independent hash (FNV-1a over the UTF-16 code units, finished with SplitMix64), so a seed and a device
/// id give the same numbers in every run; <see cref="string.GetHashCode()"/> is randomised per process.
/// </summary>
internal static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Of(int seed, string text) => Combine(Mix((ulong)(uint)seed), text);

    public static ulong Combine(ulong state, string text)
    {
        var h = FnvOffset ^ state;
        foreach (var ch in text)
        {
            h ^= ch;
            h *= FnvPrime;
        }

        return Mix(h);
    }

    public static ulong Combine(ulong state, long value) => Mix(state ^ Mix((ulong)value));

    /// <summary>SplitMix64 finaliser: spreads every input bit over the whole output.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A number in [0, 1).</summary>
    public static double Unit(ulong h) => (h >> 11) * (1.0 / (1UL << 53));

    /// <summary>A number in [-1, 1).</summary>
    public static double Signed(ulong h) => (Unit(h) * 2) - 1;
}
