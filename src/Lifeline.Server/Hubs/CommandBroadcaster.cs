using System.Threading.Channels;
using Lifeline.Control;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>Pushes every command record (queued, confirmed, not confirmed, failed) to the control room as <c>CommandChanged</c>.</summary>
public sealed partial class CommandBroadcaster(IHubContext<AlarmHub> hub, ILogger<CommandBroadcaster> logger) : BackgroundService, ICommandObserver
{
    private readonly Channel<CommandRecord> _queue = Channel.CreateBounded<CommandRecord>(new BoundedChannelOptions(10_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void OnCommandChanged(CommandRecord record) => _queue.Writer.TryWrite(record);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var record in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.All.SendAsync(AlarmHubMethods.CommandChanged, record, stoppingToken);
                }
#pragma warning disable CA1031 // A failed push must not stop the next ones; the audit trail is on /api/commands.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.PushFailed(logger, record.Id, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "Push of command {CommandId} failed: {Error}")]
        public static partial void PushFailed(ILogger logger, string commandId, string error);
    }
}
