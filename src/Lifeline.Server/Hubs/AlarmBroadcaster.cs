using System.Globalization;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// Pushes alarm transitions to every connected console as <c>AlarmChanged</c>; a console that sees a gap in seq
/// (a dropped push) catches up over REST.
/// </summary>
public sealed class AlarmBroadcaster(IHubContext<AlarmHub> hub, ILogger<AlarmBroadcaster> logger)
    : HubBroadcaster<AlarmDto>(hub, AlarmHubMethods.AlarmChanged, 100_000, logger), IAlarmObserver
{
    public void OnAlarmChanged(AlarmDto change) => Enqueue(change);

    protected override string Describe(AlarmDto item) => $"seq {item.Seq.ToString(CultureInfo.InvariantCulture)}";
}
