using System.Threading.Channels;
using Lifeline.Alarms;
using Lifeline.Contracts.Alarms;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.Hubs;

/// <summary>
/// Pushes alarm transitions to every connected console. The queue drops the oldest entries if consoles cannot keep
/// up (UI fan-out must never slow alarm evaluation); a console that sees a gap in seq catches up over REST.
/// </summary>
public sealed partial class AlarmBroadcaster(IHubContext<AlarmHub> hub, ILogger<AlarmBroadcaster> logger) : BackgroundService, IAlarmObserver
{
    private readonly Channel<AlarmDto> _queue = Channel.CreateBounded<AlarmDto>(new BoundedChannelOptions(100_000)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    public void OnAlarmChanged(AlarmDto change) => _queue.Writer.TryWrite(change);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await hub.Clients.All.SendAsync(AlarmHubMethods.AlarmChanged, change, stoppingToken);
                }
#pragma warning disable CA1031 // A failed push must not stop the next ones; clients resynchronise by seq.
                catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
                {
                    Log.PushFailed(logger, change.Seq, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Pushing alarm change {Seq} failed: {Error}")]
        public static partial void PushFailed(ILogger logger, long seq, string error);
    }
}
