using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Lifeline.Notifications.Channels;

/// <summary>The outcome of one delivery: sent, or failed after every attempt.</summary>
public sealed record DeliveryResult(OutboundMessage Message, string Channel, bool Sent, int Attempts, string? Error);

/// <summary>
/// One channel's bounded queue and its worker (one, so a channel delivers in order: raised before cleared). Each delivery is retried with exponential backoff and a timeout per attempt;
/// a slow or dead channel fills only its own queue (further messages are refused and reported as dropped), so it never
/// delays another channel or the alarm path.
/// </summary>
public sealed class DeliveryQueue : IAsyncDisposable
{
    private readonly INotificationChannel _channel;
    private readonly Channel<OutboundMessage> _queue;
    private readonly ResiliencePipeline _pipeline;
    private readonly Action<DeliveryResult> _done;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];

    public DeliveryQueue(INotificationChannel channel, DeliveryOptions options, TimeProvider time, Action<DeliveryResult> done, int? capacity = null, int workers = 1)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(options);
        _channel = channel;
        _done = done;
        Capacity = capacity ?? options.QueueCapacity;
        _queue = Channel.CreateBounded<OutboundMessage>(new BoundedChannelOptions(capacity ?? options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait });
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        _pipeline = builder.Build();
        for (var i = 0; i < workers; i++)
        {
            _workers.Add(Task.Run(RunAsync));
        }
    }

    public string Name => _channel.Name;

    public int Capacity { get; }

    /// <summary>Messages waiting.</summary>
    public int Backlog => _queue.Reader.Count;

    /// <summary>Queues a message; false when the queue is full (the message is dropped).</summary>
    public bool TryEnqueue(OutboundMessage message) => _queue.Writer.TryWrite(message);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        await Task.WhenAll(_workers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                var attempts = 0;
                try
                {
                    await _pipeline.ExecuteAsync(
                        async ct =>
                        {
                            Interlocked.Increment(ref attempts);
                            await _channel.SendAsync(message, ct);
                        },
                        _stop.Token);
                    Report(new DeliveryResult(message, _channel.Name, true, attempts, null));
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    Report(new DeliveryResult(message, _channel.Name, false, attempts, "the server stopped before it was delivered"));
                    return;
                }
                catch (Exception ex)
                {
                    Report(new DeliveryResult(message, _channel.Name, false, attempts, Describe(ex)));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Report(DeliveryResult result)
    {
        try
        {
            _done(result);
        }
        catch (Exception)
        {
            // Reporting (journal, observers) must never stop the worker; the journal logs its own failures.
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        TimeoutRejectedException t => $"timed out after {t.Timeout.TotalSeconds:0.#} s",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
