using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.SeqGap"/> for one device, from the optional per-device message counter <see cref="Reading.Seq"/>.
/// Readings with the same seq belong to one message. seq = last + 1 is clean; a jump raises with the number of lost
/// messages; going back to ≤ <see cref="SeqGapSettings.ResetMaxSeq"/> (or further back than
/// <see cref="SeqGapSettings.ReorderWindow"/>) is a restart; going back a little is a late or duplicate message and is
/// ignored. Clears after <see cref="DetectorSettings.ClearSamples"/> clean messages (a restart counts as clean).
/// </summary>
public sealed class SeqGapDetector : IAnomalyDetector
{
    private readonly Device _device;
    private readonly SeqGapConfig _config;
    private AlarmLatch _latch;
    private bool _hasLast;
    private long _last;

    /// <summary>Creates the detector for one device.</summary>
    public SeqGapDetector(Device device, AnomalyOptions options)
        : this(device, AnomalySettingsResolver.SeqGap(options))
    {
    }

    internal SeqGapDetector(Device device, SeqGapConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _config = config;
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.SeqGap;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <summary>Messages lost since the detector started (counter jumps; restarts excluded).</summary>
    public long LostMessages { get; private set; }

    /// <summary>Device restarts seen (seq going back).</summary>
    public long Restarts { get; private set; }

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (reading.Seq is not { } seq)
        {
            return;
        }

        if (!_hasLast)
        {
            _hasLast = true;
            _last = seq;
            return;
        }

        if (seq == _last)
        {
            return;
        }

        var at = reading.Timestamp;
        if (seq < _last)
        {
            if (seq > _config.ResetMaxSeq && _last - seq <= _config.ReorderWindow)
            {
                return;
            }

            Restarts++;
            _last = seq;
            Clean(seq, at, output);
            return;
        }

        var lost = seq - _last - 1;
        var previous = _last;
        _last = seq;
        LostMessages += lost;
        if (lost < _config.MinGap)
        {
            Clean(seq, at, output);
            return;
        }

        if (_latch.Raise())
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{lost} message{(lost == 1 ? string.Empty : "s")} lost (seq {previous} → {seq})");
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, null, lost, at, detail));
        }
    }

    private void Clean(long seq, DateTimeOffset at, List<AnomalyTransition> output)
    {
        if (_latch.ObserveClear(at, _config.Clear))
        {
            var detail = string.Create(CultureInfo.InvariantCulture, $"{_config.Clear.Samples} messages without a gap (seq {seq})");
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, null, 0, at, detail));
        }
    }
}
