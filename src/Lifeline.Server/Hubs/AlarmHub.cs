using Lifeline.Server.Observability;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// <c>/hubs/alarms</c>: the server pushes <see cref="AlarmHubMethods.AlarmChanged"/> for every alarm transition.
/// Clients load <c>GET /api/alarms</c> (which carries the seq it is consistent with) and, after a reconnect,
/// <c>GET /api/alarms/changes?since=</c>. The hub itself stays thin: it only counts its connections.
/// </summary>
public sealed class AlarmHub(LiveMetrics? metrics = null) : Hub
{
    public const string Path = "/hubs/alarms";

    public override Task OnConnectedAsync()
    {
        metrics?.Connected();
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        metrics?.Disconnected();
        return base.OnDisconnectedAsync(exception);
    }
}
