namespace Lifeline.Simulation.Publishing;

/// <summary>
/// When each device publishes: every device once per <see cref="Period"/>, device <c>k</c> of <c>n</c> shifted by
/// <c>k/n</c> of the period, so the messages are spread evenly over each second instead of arriving in one burst.
/// </summary>
public sealed class PublishSchedule
{
    public PublishSchedule(DateTimeOffset start, double ratePerDevice, int deviceCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerDevice);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceCount);
        Start = start;
        Period = TimeSpan.FromTicks(Math.Max(1, (long)(TimeSpan.TicksPerSecond / ratePerDevice)));
        DeviceCount = deviceCount;
    }

    public DateTimeOffset Start { get; }

    public TimeSpan Period { get; }

    public int DeviceCount { get; }

    /// <summary>Offset of device <paramref name="index"/> within each period.</summary>
    public TimeSpan Phase(int index) => DeviceCount == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Period.Ticks * index / DeviceCount);

    /// <summary>When device <paramref name="index"/> sends its message of cycle <paramref name="cycle"/> (0-based; its seq is cycle + 1).</summary>
    public DateTimeOffset Due(int index, long cycle) => Start + Phase(index) + TimeSpan.FromTicks(Period.Ticks * cycle);

    /// <summary>The first cycle of device <paramref name="index"/> due at or after <paramref name="time"/>.</summary>
    public long CycleAtOrAfter(int index, DateTimeOffset time)
    {
        var ticks = (time - Start - Phase(index)).Ticks;
        return ticks <= 0 ? 0 : (ticks + Period.Ticks - 1) / Period.Ticks;
    }
}
