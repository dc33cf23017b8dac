using Lifeline.Domain.Assets;

namespace Lifeline.Simulation.Signals;

/// <summary>The precomputed, per-device parameters of one channel's normal signal.</summary>
internal sealed class ChannelModel
{
    public required Channel Channel { get; init; }

    /// <summary>Quantity key, e.g. <c>o2</c>, <c>temp</c>, <c>level</c>, <c>cod</c>.</summary>
    public required string Quantity { get; init; }

    public required ulong Key { get; init; }

    public double Mean { get; init; }

    /// <summary>Half the daily swing.</summary>
    public double DailyAmplitude { get; init; }

    /// <summary>Local hour (UTC+8) of the daily maximum.</summary>
    public double DailyPeakHour { get; init; } = 15;

    /// <summary>Amplitude of the slow (30 s correlated) noise.</summary>
    public double Noise { get; init; }

    /// <summary>Amplitude of the per-reading noise.</summary>
    public double White { get; init; }

    /// <summary>Normal values stay at or above this (just inside the lowest low-alarm limit).</summary>
    public double Lower { get; init; } = double.NegativeInfinity;

    /// <summary>Normal values stay at or below this (just inside the lowest high-alarm limit).</summary>
    public double Upper { get; init; } = double.PositiveInfinity;

    /// <summary>Sump: empty level, top of the normal pump cycle and the flood level of the sump-flooding scenario.</summary>
    public double SumpFloor { get; init; }

    public double SumpPeak { get; init; }

    public double FloodLevel { get; init; }

    /// <summary>Sump: seconds of filling and of pumping out, and the device's phase in that cycle.</summary>
    public double FillSeconds { get; init; }

    public double DrainSeconds { get; init; }

    public double CyclePhase { get; init; }

    /// <summary>True when the level follows the fill-and-pump cycle of a sump with <c>pump1_run</c>.</summary>
    public bool IsSump { get; init; }

    public double Min => Channel.Min;

    public double Max => Channel.Max;

    public double Span => Math.Max(Channel.Max - Channel.Min, 1e-9);
}
