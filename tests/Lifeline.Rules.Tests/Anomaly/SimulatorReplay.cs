using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;
using Lifeline.Ingestion.Modbus.Profiles;
using Lifeline.Rules.Anomaly;
using Lifeline.Simulation.Signals;

namespace Lifeline.Rules.Tests.Anomaly;

/// <summary>
/// Replays the firmware simulator's signals into an <see cref="AnomalyEngine"/> the way the running platform receives
/// them, without the network and faster than real time: MQTT devices publish all their channels once a second
/// (<c>Simulator:RatePerDevice</c> 1) at their phase in the schedule, with seq = cycle + 1 (as <c>PublisherConnection</c> does); the devices of
/// <c>modbus.yaml</c> are polled per poll group at its interval, their values passed through the register encoding
/// (scale, integer rounding, float32) as the poller decodes them, without seq. The timer pass runs once a second, as the
/// pipeline's timer does. Every value is the generator's pure function of (seed, device, channel, time).
/// </summary>
internal sealed class SimulatorReplay
{
    private readonly SignalGenerator _generator;
    private readonly AnomalyEngine _engine;
    private readonly Device[] _mqtt;
    private readonly ModbusDeviceConfig[] _modbus;
    private readonly List<AnomalyTransition> _output = [];

    public SimulatorReplay(SignalGenerator generator, AnomalyEngine engine, IEnumerable<Device> devices, ModbusPollPlan modbus)
    {
        _generator = generator;
        _engine = engine;
        var polled = modbus.Devices.ToDictionary(d => d.DeviceId, StringComparer.Ordinal);
        var selected = devices.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        _mqtt = [.. selected.Where(d => !polled.ContainsKey(d.Id))];
        _modbus = [.. selected.Where(d => polled.ContainsKey(d.Id)).Select(d => polled[d.Id])];
    }

    public int MqttDevices => _mqtt.Length;

    public int ModbusDevices => _modbus.Length;

    public long Readings { get; private set; }

    /// <summary>Every transition the engine emitted, in order.</summary>
    public List<AnomalyTransition> Transitions { get; } = [];

    /// <summary>Replays [<paramref name="from"/>, <paramref name="from"/> + <paramref name="duration"/>).</summary>
    public void Run(DateTimeOffset from, TimeSpan duration)
    {
        Span<ushort> registers = stackalloc ushort[2];
        var seconds = (long)duration.TotalSeconds;
        for (long s = 0; s < seconds; s++)
        {
            var second = from + TimeSpan.FromSeconds(s);
            for (var i = 0; i < _mqtt.Length; i++)
            {
                // Simulator:RatePerDevice 1: every device once a second, device i of n shifted by i/n s.
                var device = _mqtt[i];
                var due = second + TimeSpan.FromTicks(TimeSpan.TicksPerSecond * i / _mqtt.Length);
                if (_generator.Sample(device, due) is not { } values)
                {
                    continue;
                }

                foreach (var (channel, value) in values)
                {
                    Feed(new Reading(device.Id, channel, value is bool b ? (b ? 1 : 0) : (double)value, due, s + 1), due);
                }
            }

            foreach (var config in _modbus)
            {
                foreach (var group in config.Groups)
                {
                    for (var at = TimeSpan.Zero; at < TimeSpan.FromSeconds(1); at += group.Interval)
                    {
                        var due = second + at;
                        if (!_generator.IsOnline(config.Device, due))
                        {
                            continue;
                        }

                        foreach (var point in group.Points)
                        {
                            if (!config.Device.TryGetChannel(point.Name, out var channel))
                            {
                                continue;
                            }

                            var value = _generator.Value(config.Device, channel, due);
                            point.Format.Encode(value, registers);
                            Feed(new Reading(config.DeviceId, point.Name, point.Format.Decode(registers), due, null), due);
                        }
                    }
                }
            }

            _engine.EvaluateTimers(second + TimeSpan.FromSeconds(1), _output);
            Collect();
        }
    }

    private void Feed(in Reading reading, DateTimeOffset arrival)
    {
        Readings++;
        _engine.Evaluate(reading, arrival, _output);
        Collect();
    }

    private void Collect()
    {
        if (_output.Count > 0)
        {
            Transitions.AddRange(_output);
            _output.Clear();
        }
    }
}
