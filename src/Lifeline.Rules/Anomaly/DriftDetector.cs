using System.Globalization;
using Lifeline.Domain.Assets;
using Lifeline.Domain.Telemetry;

namespace Lifeline.Rules.Anomaly;

/// <summary>
/// <see cref="AnomalyKinds.Drift"/>: EWMA z = λx + (1 − λ)z, started at the target, raised when |z − target| exceeds
/// max(L·σ·√(λ/(2 − λ)), MinShift). Target and σ are configured or estimated (Welford) from the first
/// <see cref="DriftSettings.WarmupSamples"/> readings, which are not judged. Clears after
/// <see cref="DetectorSettings.ClearSamples"/> readings with the EWMA back inside the limits.
/// </summary>
public sealed class DriftDetector : IAnomalyDetector
{
    private readonly Device _device;
    private readonly Channel _channel;
    private readonly DriftConfig _config;
    private AlarmLatch _latch;
    private long _warmupCount;
    private double _warmupMean;
    private double _warmupM2;
    private bool _ready;
    private double _ewma;

    /// <summary>Creates the detector for one sensor with the settings <paramref name="options"/> resolve for its type.</summary>
    public DriftDetector(Device device, Channel channel, AnomalyOptions options)
        : this(device, channel, AnomalySettingsResolver.Drift(options, channel))
    {
    }

    internal DriftDetector(Device device, Channel channel, DriftConfig config)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(channel);
        _device = device;
        _channel = channel;
        _config = config;
        if (config is { Target: { } target, Sigma: { } sigma })
        {
            Start(target, sigma);
        }
    }

    /// <inheritdoc />
    public string Kind => AnomalyKinds.Drift;

    /// <inheritdoc />
    public bool IsActive => _latch.Active;

    /// <summary>True once target and σ are known and readings are judged.</summary>
    public bool IsReady => _ready;

    /// <summary>The in-control mean (configured or from the warm-up); NaN before.</summary>
    public double Target { get; private set; } = double.NaN;

    /// <summary>Half-width of the control limits around <see cref="Target"/>; NaN before.</summary>
    public double Limit { get; private set; } = double.NaN;

    /// <summary>The current EWMA; NaN before the warm-up completes.</summary>
    public double Ewma => _ready ? _ewma : double.NaN;

    /// <inheritdoc />
    public void Evaluate(in Reading reading, DateTimeOffset now, List<AnomalyTransition> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var value = reading.Value;
        if (!_ready)
        {
            _warmupCount++;
            var delta = value - _warmupMean;
            _warmupMean += delta / _warmupCount;
            _warmupM2 += delta * (value - _warmupMean);
            if (_warmupCount >= _config.WarmupSamples)
            {
                Start(_config.Target ?? _warmupMean, _config.Sigma ?? Math.Sqrt(_warmupM2 / (_warmupCount - 1)));
            }

            return;
        }

        _ewma = (_config.Lambda * value) + ((1 - _config.Lambda) * _ewma);
        var at = reading.Timestamp;
        if (Math.Abs(_ewma - Target) > Limit)
        {
            if (_latch.Raise())
            {
                var detail = string.Create(CultureInfo.InvariantCulture, $"EWMA {_ewma:G6} outside {Target:G6} ± {Limit:G4} {_channel.Unit}").TrimEnd();
                output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Raised, _device, _channel, value, at, detail));
            }
        }
        else if (_latch.ObserveClear(at, _config.Clear))
        {
            output.Add(new AnomalyTransition(Kind, RuleTransitionKind.Cleared, _device, _channel, value, at, "EWMA back inside its limits"));
        }
    }

    private void Start(double target, double sigma)
    {
        Target = target;
        var lambda = _config.Lambda;
        Limit = Math.Max(_config.ControlLimitSigmas * sigma * Math.Sqrt(lambda / (2 - lambda)), _config.MinShift);
        _ewma = target;
        _ready = true;
    }
}
