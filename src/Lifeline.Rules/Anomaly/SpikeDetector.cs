using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.Spike"/>: robust z-score |x − median| / (1.4826·MAD) of a reading against the previous
/// <see cref="SpikeSettings.Window"/> readings above <see cref="SpikeSettings.Threshold"/> (and at least
/// <see cref="SpikeSettings.MinDeviation"/> away) makes it a candidate. If the next reading is back near the median
/// (z below <see cref="SpikeSettings.ReturnThreshold"/>, or less than <see cref="SpikeSettings.MinDeviation"/> away from it) and at
/// least half-way back from the candidate, the candidate was a spike: it is raised, dated at the
/// candidate's timestamp, and clears after <see cref="DetectorSettings.ClearSamples"/> normal readings (the return
/// reading is the first). Otherwise it was an excursion (a level shift, or wider than one reading): it and the following
/// outliers join the reference window until a normal reading ends it, and nothing is raised. Spikes never enter the window. Allocation-free per reading (median and MAD sorted on the stack).
/// </summary>
public sealed class SpikeDetector : IAnomalyDetector
{
    /// <summary>Largest supported window.</summary>
    public const int MaxWindow = 256;

    /// <summary>Scale of the MAD to σ for normal data.</summary>
    private const double MadToSigma = 1.4826;

    private readonly Device _device;
    private readonly Channel _channel;
    private readonly SpikeConfig _config;
    private readonly double[] _window;
    private int _count;
    private int _next;
    private AlarmLatch _latch;
    private bool _hasCandidate;
    private bool _inExcursion;
    private double _candidate;
    private DateTimeOffset _candidateAt;
    private double _candidateMedian;
    private double _candidateZ;

    /// <summary>Creates the detector for one sensor with the settings <paramref name="options"/> resolve for its type.</summary>
    public SpikeDetector(Device device, Channel channel, AnomalyOptions options)
        : this(device, channel, AnomalySettingsResolver.Spike(options, channel))
    {
    }

    internal SpikeDetector(Device device, Channel channel, SpikeConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        _device = device;
        _channel = channel;
        _config = config;
        _window = new double[config.Window];
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.Spike;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var value = reading.Value;
        var at = reading.Timestamp;
        if (_count < _window.Length)
        {
            Push(value);
            return;
        }

        var (median, scale) = MedianAndScale();
        var deviation = Math.Abs(value - median);
        if (_hasCandidate)
        {
            _hasCandidate = false;
            var nearMedian = deviation < _config.MinDeviation || deviation <= _config.ReturnThreshold * scale;
            if (nearMedian && deviation <= Math.Abs(_candidate - _candidateMedian) / 2)
            {
                // The value came back: the candidate was a spike.
                if (_latch.Raise())
                {
                    var detail = string.Create(
                        CultureInfo.InvariantCulture,
                        $"{_candidate:G6} against median {_candidateMedian:G6} (robust z {_candidateZ:0.#}), back to {value:G6}");
                    output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, _channel, _candidate, _candidateAt, detail));
                }

                Push(value);
                Cleared(value, at, output);
                return;
            }

            // Still away: an excursion (level shift, or wider than one reading), not a spike. Its readings join the
            // reference until one is normal again.
            Push(_candidate);
            _inExcursion = true;
            (median, scale) = MedianAndScale();
            deviation = Math.Abs(value - median);
        }

        if (deviation >= _config.MinDeviation && deviation > _config.Threshold * scale)
        {
            _latch.Hold();
            if (_inExcursion)
            {
                Push(value);
                return;
            }

            _hasCandidate = true;
            _candidate = value;
            _candidateAt = at;
            _candidateMedian = median;
            _candidateZ = scale > 0 ? deviation / scale : double.PositiveInfinity;
            return;
        }

        _inExcursion = false;
        Push(value);
        Cleared(value, at, output);
    }

    private void Cleared(double value, DateTimeOffset at, List<AnomalyTransition> output)
    {
        if (_latch.ObserveClear(at, _config.Clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, _channel, value, at, "no spike since"));
        }
    }

    private void Push(double value)
    {
        _window[_next] = value;
        _next = (_next + 1) % _window.Length;
        if (_count < _window.Length)
        {
            _count++;
        }
    }

    private (double Median, double Scale) MedianAndScale()
    {
        Span<double> scratch = stackalloc double[_count];
        _window.AsSpan(0, _count).CopyTo(scratch);
        scratch.Sort();
        var median = Median(scratch);
        for (var i = 0; i < scratch.Length; i++)
        {
            scratch[i] = Math.Abs(scratch[i] - median);
        }

        scratch.Sort();
        return (median, MadToSigma * Median(scratch));
    }

    private static double Median(ReadOnlySpan<double> sorted)
    {
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
