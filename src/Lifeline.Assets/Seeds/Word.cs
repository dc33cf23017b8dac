namespace Lifeline.Assets.Seeds;

/// <summary>A validated name from an open-ended but documented set (measurement, station kind, plant status).</summary>
internal readonly record struct Word(string Value)
{
    public override string ToString() => Value;
}
