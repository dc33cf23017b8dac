using System.Threading.Channels;
using Lifeline.Domain.Telemetry;
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

    private readonly Channel<TelemetryBatch> _channel;
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
}
