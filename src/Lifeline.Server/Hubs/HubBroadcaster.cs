using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// Pushes items to every connected console from a bounded queue that drops the oldest entries when consoles cannot
/// keep up, so UI fan-out never slows the producer (alarm evaluation, the command worker). A failed push is logged
/// and the next one goes on.
/// </summary>
public abstract partial class HubBroadcaster<T>(IHubContext<AlarmHub> hub, string method, int capacity, ILogger logger) : BackgroundService
{
    private readonly Channel<T> _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    /// <summary>Queues an item; never blocks.</summary>
    protected void Enqueue(T item) => _queue.Writer.TryWrite(item);

    /// <summary>Names an item in the log when its push fails.</summary>
    protected abstract string Describe(T item);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.All.SendAsync(method, item, stoppingToken);
                }
#pragma warning disable CA1031 // A failed push must not stop the next ones; consoles resynchronise over REST.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.PushFailed(logger, method, Describe(item), ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Pushing {Method} {Item} failed: {Error}")]
        public static partial void PushFailed(ILogger logger, string method, string item, string error);
    }
}
