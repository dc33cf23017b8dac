using Lifeline.Control;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// Pushes every command record (queued, confirmed, not confirmed, failed) to the control room as <c>CommandChanged</c>;
/// the audit trail is on <c>/api/commands</c>.
/// </summary>
public sealed class CommandBroadcaster(IHubContext<AlarmHub> hub, ILogger<CommandBroadcaster> logger)
    : HubBroadcaster<CommandRecord>(hub, AlarmHubMethods.CommandChanged, 10_000, logger), ICommandObserver
{
    public void OnCommandChanged(CommandRecord record) => Enqueue(record);

    protected override string Describe(CommandRecord item) => item.Id;
}
