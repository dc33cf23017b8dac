namespace Lifeline.Modbus.Tests;

internal static class Hex
{
    /// <summary>Bytes from hexadecimal pairs separated by spaces, as the specification prints its examples.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => string.Join(' ', bytes.ToArray().Select(b => b.ToString("X2")));
}
