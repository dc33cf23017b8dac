namespace Lifeline.Domain.Assets;

/// <summary>One value a device reports, named as in the MQTT payload (<c>o2</c>, <c>fan1_run</c>).</summary>
/// <param name="Name">Channel name, unique within its device.</param>
/// <param name="Type">The sensor type; unit, kind and range come from it unless overridden.</param>
/// <param name="Min">Physical minimum (defaults to the type's).</param>
/// <param name="Max">Physical maximum (defaults to the type's).</param>
public sealed record Channel(string Name, SensorType Type, double Min, double Max)
{
    public string Unit => Type.Unit;

    public ChannelKind Kind => Type.Kind;

    public bool IsInPhysicalRange(double value) => value >= Min && value <= Max;
}
