using Lifeline.Contracts.Mqtt;
using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Publishing;

/// <summary>A device in the publish schedule, with its topics and last published status.</summary>
internal sealed class SimulatedDevice(int index, Device device)
{
    private long _lastSampledTicks = long.MinValue;

    /// <summary>Position in the whole schedule (sets the phase within each period).</summary>
    public int Index { get; } = index;

    public Device Device { get; } = device;

    public string TelemetryTopic { get; } = MqttTopics.Telemetry(device.SiteId, device.Id);

    public string StatusTopic { get; } = MqttTopics.Status(device.SiteId, device.Id);

    /// <summary>Where the platform sends this device's commands.</summary>
    public string CommandTopic { get; } = MqttTopics.Command(device.SiteId, device.Id);

    /// <summary>The status last published on this connection, or null before the first.</summary>
    public bool? Online { get; set; }

    /// <summary>The simulated time of the last reading taken for publishing (written by the publish loop, read by the command handler).</summary>
    public DateTimeOffset? LastSampled
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastSampledTicks);
            return ticks == long.MinValue ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }

        set => Interlocked.Exchange(ref _lastSampledTicks, value?.UtcTicks ?? long.MinValue);
    }
}
