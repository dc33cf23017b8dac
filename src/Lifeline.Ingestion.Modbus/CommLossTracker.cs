namespace Lifeline.Ingestion.Modbus;

/// <summary>What a poll result changed about a device's communication state.</summary>
internal enum CommTransition
{
    None,
    Lost,
    Restored,
}

/// <summary>
/// Decides when a device is in communication loss: after <c>failures</c> consecutive failed polls, or when no poll was
/// good for <c>silence</c> (counted from the start for a device that never answered). Reports each change once.
/// </summary>
internal sealed class CommLossTracker
{
    private readonly int _failures;
    private readonly TimeSpan _silence;
    private DateTimeOffset _lastGood;
    private int _consecutive;

    public CommLossTracker(int failures, TimeSpan silence, DateTimeOffset start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        _failures = failures;
        _silence = silence;
        _lastGood = start;
    }

    public bool InCommLoss { get; private set; }

    public CommTransition Success(DateTimeOffset at)
    {
        _consecutive = 0;
        _lastGood = at;
        if (!InCommLoss)
        {
            return CommTransition.None;
        }

        InCommLoss = false;
        return CommTransition.Restored;
    }

    public CommTransition Failure(DateTimeOffset at)
    {
        _consecutive++;
        if (InCommLoss || (_consecutive < _failures && at - _lastGood < _silence))
        {
            return CommTransition.None;
        }

        InCommLoss = true;
        return CommTransition.Lost;
    }
}
