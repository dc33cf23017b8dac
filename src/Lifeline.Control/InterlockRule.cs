using Lifeline.Domain.Assets;

namespace Lifeline.Control;

/// <summary>Which devices an interlock commands, relative to the device whose alarm triggered it.</summary>
public enum InterlockScope
{
    /// <summary>Every device of the alarm's fire zone that has the command.</summary>
    Zone,

    /// <summary>The alarm's zone and the zones before and after it in the same cabin.</summary>
    ZoneAndNeighbours,

    /// <summary>Only the device that raised the alarm.</summary>
    Device,
}

/// <summary>What happens to an interlock's commands when its alarm's condition clears.</summary>
public enum InterlockClear
{
    /// <summary>Nothing: the equipment stays as commanded until an operator changes it.</summary>
    None,

    /// <summary>The boolean commands are reversed, once no other active alarm holds the same output.</summary>
    Revert,
}

/// <summary>One command of an interlock: write <paramref name="Value"/> to the command output <paramref name="Channel"/>.</summary>
/// <param name="Channel">The command output, e.g. <c>fan1_cmd</c>.</param>
/// <param name="Value">1/0 for a boolean output, else the engineering value.</param>
/// <param name="IsBoolean">Written as true/false in the YAML.</param>
public sealed record InterlockAction(string Channel, double Value, bool IsBoolean);

/// <summary>An automatic response to an alarm (<c>seeds/&lt;city&gt;/interlocks.yaml</c>).</summary>
public sealed record InterlockRule
{
    /// <summary>Unique id, e.g. <c>gas-cabin-ch4-ventilation</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The alarm rules (rules.yaml ids) whose raise triggers it.</summary>
    public required IReadOnlyList<string> Rules { get; init; }

    /// <summary>Restricts it to alarms of devices in these cabin types; empty means any.</summary>
    public IReadOnlyList<CabinType> CabinTypes { get; init; } = [];

    /// <summary>Which devices are commanded.</summary>
    public required InterlockScope Scope { get; init; }

    /// <summary>The commands, in order.</summary>
    public required IReadOnlyList<InterlockAction> Then { get; init; }

    /// <summary>What happens when the condition clears.</summary>
    public InterlockClear OnClear { get; init; }

    /// <summary>Readable purpose.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>Standard clause or other basis.</summary>
    public string Basis { get; init; } = string.Empty;

    /// <summary>Whether an alarm on <paramref name="device"/> may trigger it (cabin filter).</summary>
    public bool AppliesTo(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return CabinTypes.Count == 0 || (device.Location.CabinType is { } cabin && CabinTypes.Contains(cabin));
    }
}
