using System.Collections.Concurrent;
using System.Threading.Channels;
using Lifeline.Domain.Telemetry;
using Lifeline.Rules;
using Microsoft.Extensions.Options;

namespace Lifeline.Server.Pipeline;

/// <summary>
/// The bounded queue between ingestion and rule evaluation. Full mode is Wait: a slow consumer slows the MQTT
/// handler, which delays acknowledgements, so back-pressure reaches the broker instead of memory.
/// </summary>
public sealed class TelemetryPipeline
{
    /// <summary>A marker the timer puts in the queue so delays expire in the same order as readings are evaluated.</summary>
    internal static readonly TelemetryBatch Tick = new(string.Empty, [], default);

    /// <summary>A marker that makes the processor run the actions queued by <see cref="InvokeAsync{T}"/>.</summary>
    internal static readonly TelemetryBatch Control = new(string.Empty, [], default);

    private readonly Channel<TelemetryBatch> _channel;
    private readonly ConcurrentQueue<Action<DateTimeOffset, List<RuleTransition>>> _actions = new();
    private readonly SensorStore _sensors;

    public TelemetryPipeline(IOptions<PipelineOptions> options, SensorStore sensors)
    {
        _sensors = sensors;
        _channel = Channel.CreateBounded<TelemetryBatch>(new BoundedChannelOptions(options.Value.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    internal ChannelReader<TelemetryBatch> Reader => _channel.Reader;

    /// <summary>Batches waiting for evaluation.</summary>
    public int Backlog => _channel.Reader.Count;

    /// <summary>Queues a batch for evaluation, waiting while the queue is full.</summary>
    public ValueTask EnqueueAsync(TelemetryBatch batch, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(batch, cancellationToken);

    public void DeviceStatusChanged(string deviceId, bool online, DateTimeOffset at) => _sensors.SetDeviceStatus(deviceId, online, at);

    internal bool TryTick() => _channel.Writer.TryWrite(Tick);

    /// <summary>
    /// Runs <paramref name="action"/> on the processor, between two batches: batches queued before it are evaluated
    /// before, batches queued after it after, and nothing is evaluated while it runs (e.g. a swap of the rule set). The
    /// transitions it appends are applied to the alarm service right after, in order with those of the readings.
    /// </summary>
    public async Task<T> InvokeAsync<T>(Func<DateTimeOffset, List<RuleTransition>, T> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actions.Enqueue((now, output) =>
        {
            // Skipped when the caller gave up before the processor came to it.
            if (done.Task.IsCompleted)
            {
                return;
            }

            try
            {
                done.TrySetResult(action(now, output));
            }
#pragma warning disable CA1031 // The caller gets the exception; the processor goes on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        });
        using var registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        await _channel.Writer.WriteAsync(Control, cancellationToken);
        return await done.Task;
    }

    /// <summary>Runs the actions queued by <see cref="InvokeAsync{T}"/> (on the processor, at a <see cref="Control"/> marker).</summary>
    internal void RunActions(DateTimeOffset now, List<RuleTransition> output)
    {
        while (_actions.TryDequeue(out var action))
        {
            action(now, output);
        }
    }
}
