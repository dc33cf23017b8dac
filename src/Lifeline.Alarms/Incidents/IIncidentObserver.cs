using Lifeline.Contracts.Alarms;

namespace Lifeline.Alarms.Incidents;

/// <summary>
/// Receives every incident change in <see cref="IncidentDto.Seq"/> order (live push). Called under the alarm service's
/// lock: must not block and must not throw.
/// </summary>
public interface IIncidentObserver
{
    /// <summary>An incident was opened, gained or updated an alarm, was merged into another, or closed.</summary>
    void OnIncidentChanged(IncidentDto incident);
}
