using System.Diagnostics.Metrics;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;

namespace Lifeline.Server.Observability;

/// <summary>
/// Instruments of the meter <c>Lifeline.Alarms</c>, fed by every alarm transition of this instance: alarms raised by
/// priority and kind, and transitions by kind of transition.
/// </summary>
public sealed class AlarmMetrics : IAlarmObserver
{
    public const string MeterName = "Lifeline.Alarms";

    private readonly Counter<long> _raised;
    private readonly Counter<long> _transitions;

    public AlarmMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _raised = meter.CreateCounter<long>("lifeline.alarms.raised", "{alarm}", "Alarms raised (a new alarm, or one raised again while not over), by priority and kind");
        _transitions = meter.CreateCounter<long>("lifeline.alarms.transitions", "{transition}", "Alarm transitions, by transition");
    }

    public void OnAlarmChanged(AlarmDto change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _transitions.Add(1, new KeyValuePair<string, object?>("transition", change.Transition));
        if (change.Transition is "Raised" or "Reraised")
        {
            _raised.Add(1, new KeyValuePair<string, object?>("priority", change.Priority), new KeyValuePair<string, object?>("kind", change.Kind));
        }
    }
}
