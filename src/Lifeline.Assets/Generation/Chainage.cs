using System.Globalization;

namespace Lifeline.Assets.Generation;

/// <summary>Road-engineering chainage (里程桩号): 1,400 m is <c>K1+400</c>.</summary>
internal static class Chainage
{
    public static string Format(double metres)
    {
        var km = (long)Math.Floor(metres / 1000);
        var rest = metres - (km * 1000);
        return $"K{km}+{rest.ToString("000.##", CultureInfo.InvariantCulture)}";
    }
}
