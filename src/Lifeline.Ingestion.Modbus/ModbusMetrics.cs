using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lifeline.Ingestion.Modbus;

/// <summary>
/// Instruments of the meter <c>Lifeline.Modbus</c>: polls, failed polls, timeouts, readings, rejected values,
/// communication losses and the poll duration, tagged with the device (and poll group).
/// </summary>
public sealed class ModbusMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Lifeline.Modbus";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _polls;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _timeouts;
    private readonly Counter<long> _readings;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _commLoss;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of its own.</summary>
    public ModbusMetrics(IMeterFactory? meterFactory = null)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _polls = _meter.CreateCounter<long>("lifeline.modbus.polls", "{poll}", "Polls of a poll group (good and failed)");
        _failures = _meter.CreateCounter<long>("lifeline.modbus.poll.failures", "{poll}", "Polls that got no answer (timeout, connection, protocol, open circuit)");
        _timeouts = _meter.CreateCounter<long>("lifeline.modbus.timeouts", "{request}", "Read attempts that timed out");
        _readings = _meter.CreateCounter<long>("lifeline.modbus.readings", "{reading}", "Readings handed to the pipeline");
        _rejected = _meter.CreateCounter<long>("lifeline.modbus.values.rejected", "{value}", "Values dropped: undecodable or outside the physical range");
        _commLoss = _meter.CreateCounter<long>("lifeline.modbus.comm_loss", "{event}", "Devices entering communication loss");
        _duration = _meter.CreateHistogram<double>("lifeline.modbus.poll.duration", "s", "Time to read one poll group, retries included");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    internal void Poll(string device, string group, TimeSpan duration, bool failed)
    {
        var tags = new TagList { { "device", device }, { "group", group } };
        _polls.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
        if (failed)
        {
            _failures.Add(1, tags);
        }
    }

    internal void Timeout(string device) => _timeouts.Add(1, new KeyValuePair<string, object?>("device", device));

    internal void Readings(string device, int count) => _readings.Add(count, new KeyValuePair<string, object?>("device", device));

    internal void Rejected(string device, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("device", device), new KeyValuePair<string, object?>("reason", reason));

    internal void CommLoss(string device) => _commLoss.Add(1, new KeyValuePair<string, object?>("device", device));
}
