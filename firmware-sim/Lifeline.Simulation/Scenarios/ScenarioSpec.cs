using System.Diagnostics.CodeAnalysis;

namespace Lifeline.Simulation.Scenarios;

/// <summary>
/// A parsed scenario spec <c>name@target[+offset][~duration]</c>, e.g. <c>o2-depletion@yongchang-rd-trunk-gas-z003+10s</c>
/// or <c>gas-leak@yongchang-rd-trunk-gas-z005+30s~5m</c>. The offset counts from the start of the simulation (default 0);
/// without a duration the scenario lasts until the simulation ends. The target is a fire-zone id or a device id; for
/// <c>stuck-sensor</c> a sensor id <c>{device}.{channel}</c>. Targets are checked against the registry by
/// <see cref="ScenarioResolver"/>.
/// </summary>
public sealed record ScenarioSpec(string Text, ScenarioKind Kind, string Target, TimeSpan Offset, TimeSpan? Duration)
{
    public const string Grammar = "name@target+offset[~duration]";

    public string Name => ScenarioNames.Of(Kind);

    public static ScenarioSpec Parse(string text) =>
        TryParse(text, out var spec, out var error) ? spec : throw new ScenarioSpecException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out ScenarioSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        var raw = text?.Trim() ?? string.Empty;
        if (raw.Length == 0)
        {
            error = $"scenario '': empty spec; expected {Grammar}, e.g. o2-depletion@yongchang-rd-trunk-gas-z003+10s";
            return false;
        }

        var at = raw.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            error = $"scenario '{raw}': missing '@target'; expected {Grammar}";
            return false;
        }

        var name = raw[..at];
        if (!ScenarioNames.TryParse(name, out var kind))
        {
            error = $"scenario '{raw}': unknown scenario '{name}'; valid names: {string.Join(", ", ScenarioNames.All)}";
            return false;
        }

        var rest = raw[(at + 1)..];
        string? durationText = null;
        var tilde = rest.IndexOf('~', StringComparison.Ordinal);
        if (tilde >= 0)
        {
            durationText = rest[(tilde + 1)..];
            rest = rest[..tilde];
        }

        string? offsetText = null;
        var plus = rest.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            offsetText = rest[(plus + 1)..];
            rest = rest[..plus];
        }

        var target = rest.Trim();
        if (target.Length == 0)
        {
            error = $"scenario '{raw}': missing target after '@' (a zone id or a device id{(kind == ScenarioKind.StuckSensor ? "; for stuck-sensor a sensor id {device}.{channel}" : string.Empty)})";
            return false;
        }

        var offset = TimeSpan.Zero;
        if (offsetText is not null && !DurationText.TryParse(offsetText, out offset))
        {
            error = $"scenario '{raw}': bad offset '{offsetText}'; expected a duration such as {DurationText.Examples}";
            return false;
        }

        TimeSpan? duration = null;
        if (durationText is not null)
        {
            if (!DurationText.TryParse(durationText, out var d))
            {
                error = $"scenario '{raw}': bad duration '{durationText}'; expected a duration such as {DurationText.Examples}";
                return false;
            }

            if (d <= TimeSpan.Zero)
            {
                error = $"scenario '{raw}': duration '{durationText}' must be longer than zero";
                return false;
            }

            duration = d;
        }

        spec = new ScenarioSpec(raw, kind, target, offset, duration);
        error = null;
        return true;
    }

    public override string ToString() =>
        $"{Name}@{Target}+{DurationText.Format(Offset)}{(Duration is { } d ? "~" + DurationText.Format(d) : string.Empty)}";
}
