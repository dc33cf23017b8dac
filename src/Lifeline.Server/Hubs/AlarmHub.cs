using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// <c>/hubs/alarms</c>: the server pushes <see cref="AlarmHubMethods.AlarmChanged"/> for every alarm transition.
/// Clients load <c>GET /api/alarms</c> (which carries the seq it is consistent with) and, after a reconnect,
/// <c>GET /api/alarms/changes?since=</c>. The hub itself stays thin.
/// </summary>
public sealed class AlarmHub : Hub
{
    public const string Path = "/hubs/alarms";
}
