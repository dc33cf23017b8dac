using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Server.SelfMonitoring;

/// <summary>
/// Counts alarm activations as the ISA-18.2 KPIs do: a transition <c>Raised</c> or <c>Reraised</c> into the
/// <c>Unacknowledged</c> state (an alarm raised under a shelf or a suppression is not annunciated, so not counted).
/// </summary>
public sealed class AlarmActivationCounter : IAlarmObserver
{
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void OnAlarmChanged(AlarmDto change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Transition is "Raised" or "Reraised" && change.State == "Unacknowledged")
        {
            Interlocked.Increment(ref _count);
        }
    }
}
