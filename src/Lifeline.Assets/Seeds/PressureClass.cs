namespace Lifeline.Assets.Seeds;

/// <summary>A gas pressure class of GB 50028-2006 (gauge pressure, MPa); a higher rank is a higher pressure.</summary>
internal readonly record struct PressureClass(string Name, string Label, int Rank, double MinMpa, double MaxMpa)
{
    public bool Contains(double mpa) => Rank == 0 ? mpa >= 0 && mpa < MaxMpa : mpa > MinMpa && mpa <= MaxMpa;

    public string Range => Rank switch
    {
        0 => $"P < {MaxMpa} MPa",
        1 => $"{MinMpa} ≤ P ≤ {MaxMpa} MPa",
        _ => $"{MinMpa} < P ≤ {MaxMpa} MPa",
    };
}
