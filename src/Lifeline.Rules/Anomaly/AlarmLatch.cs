namespace Lifeline.Rules.Anomaly;

/// <summary>
/// Raised/normal state of one detector with clear hysteresis: once raised, the clear condition must hold on
/// <see cref="ClearPolicy.Samples"/> consecutive samples and for <see cref="ClearPolicy.Duration"/> before it clears.
/// A mutable struct: keep it in a non-readonly field and call it in place.
/// </summary>
internal struct AlarmLatch
{
    private int _clearCount;
    private DateTimeOffset _clearSince;

    public bool Active { get; private set; }

    /// <summary>The raise condition holds. True when this raises (it was not active); either way the clear count restarts.</summary>
    public bool Raise()
    {
        _clearCount = 0;
        if (Active)
        {
            return false;
        }

        Active = true;
        return true;
    }

    /// <summary>The clear condition holds on a sample at <paramref name="at"/>. True when this clears the anomaly.</summary>
    public bool ObserveClear(DateTimeOffset at, ClearPolicy policy)
    {
        if (!Active)
        {
            return false;
        }

        if (_clearCount == 0)
        {
            _clearSince = at;
        }

        _clearCount++;
        if (_clearCount < policy.Samples || at - _clearSince < policy.Duration)
        {
            return false;
        }

        Active = false;
        _clearCount = 0;
        return true;
    }

    /// <summary>A sample that is not clean: while active, the clear count restarts.</summary>
    public void Hold() => _clearCount = 0;
}
