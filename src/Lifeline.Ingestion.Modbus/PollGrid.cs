namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// The due times of a poll group: a fixed grid <c>start + k × interval</c> in <see cref="TimeProvider"/> timestamps.
/// Computing the next due time from the grid, not from the end of the last poll, keeps the period free of drift; a
/// poll that overran its interval skips the ticks it missed instead of polling back-to-back.
/// </summary>
internal static class PollGrid
{
    /// <summary>The first tick of the grid through <paramref name="due"/> that lies strictly after <paramref name="now"/>.</summary>
    public static long Next(long due, long now, long interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, 0);
        return now < due ? due : due + ((((now - due) / interval) + 1) * interval);
    }
}
