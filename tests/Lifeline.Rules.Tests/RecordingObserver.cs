using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Rules.Tests;

/// <summary>Records every alarm change it is told about, in arrival order.</summary>
internal sealed class RecordingObserver : IAlarmObserver
{
    private readonly List<AlarmDto> _changes = [];
    private readonly Lock _gate = new();

    public IReadOnlyList<AlarmDto> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    public void OnAlarmChanged(AlarmDto change)
    {
        lock (_gate)
        {
            _changes.Add(change);
        }
    }
}
