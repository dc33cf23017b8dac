using System.Globalization;
using Lifeline.Alarms.Incidents;
using Lifeline.Contracts.Alarms;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// Pushes incident changes to every connected console as <c>IncidentChanged</c>; a console that sees a gap in the
/// incident seq (a dropped push) reloads <c>GET /api/incidents</c>.
/// </summary>
public sealed class IncidentBroadcaster(IHubContext<AlarmHub> hub, ILogger<IncidentBroadcaster> logger)
    : HubBroadcaster<IncidentDto>(hub, AlarmHubMethods.IncidentChanged, 10_000, logger), IIncidentObserver
{
    public void OnIncidentChanged(IncidentDto incident) => Enqueue(incident);

    protected override string Describe(IncidentDto item) => $"{item.Id} seq {item.Seq.ToString(CultureInfo.InvariantCulture)}";
}
