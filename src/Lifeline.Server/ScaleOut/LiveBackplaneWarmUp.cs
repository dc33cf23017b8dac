using Lifeline.Server.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Lifeline.Server.ScaleOut;

/// <summary>
/// Connects the Redis backplane at start-up instead of at the first push or connection: a push to a group nobody is in
/// makes the lifetime manager connect and subscribe to the pushes of every instance. Retries until Redis answers.
/// </summary>
internal sealed partial class LiveBackplaneWarmUp(
    IHubContext<AlarmHub> hub, LiveBackplaneState state, TimeProvider time, ILogger<LiveBackplaneWarmUp> logger) : BackgroundService
{
    private const string NobodysGroup = "lifeline-backplane-warm-up";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await hub.Clients.Group(NobodysGroup).SendAsync("WarmUp", stoppingToken);
                state.SetSubscribed();
                Log.Ready(logger);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Redis down at start-up: keep trying; pushes wait for it meanwhile.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                state.SetError(ex.Message);
                Log.NotReady(logger, attempt, delay.TotalSeconds, ex.Message);
            }

            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "SignalR Redis backplane connected: alarm pushes reach consoles on every instance")]
        public static partial void Ready(ILogger logger);

        [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "SignalR Redis backplane not reachable (attempt {Attempt}, next in {DelaySeconds} s): {Error}")]
        public static partial void NotReady(ILogger logger, int attempt, double delaySeconds, string error);
    }
}
