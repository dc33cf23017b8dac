using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms;

/// <summary>Receives every alarm transition in seq order (live push, notifications). Must not block.</summary>
public interface IAlarmObserver
{
    void OnAlarmChanged(AlarmDto change);
}
