using System.Text;

namespace Lifeline.Influx;

/// <summary>
/// Quoting for building InfluxQL from values that are not trusted. InfluxQL's scanner knows the escapes <c>\\</c>,
/// <c>\"</c>, <c>\'</c> and <c>\n</c> inside quotes and nothing else, so a quoted value can never end early.
/// </summary>
public static class InfluxQl
{
    /// <summary>A double-quoted identifier (database, measurement, tag key, field): <c>my "db"</c> → <c>"my \"db\""</c>.</summary>
    public static string QuoteIdentifier(string identifier) => Quote(identifier, '"');

    /// <summary>A single-quoted string literal (tag values, string fields): <c>O'Brien</c> → <c>'O\'Brien'</c>.</summary>
    public static string QuoteString(string value) => Quote(value, '\'');

    private static string Quote(string text, char quote)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\':
                    builder.Append(@"\\");
                    break;
                case '\n':
                    builder.Append(@"\n");
                    break;
                case '"' or '\'':
                    // Both quotes are escaped in both kinds of quoting: harmless, and safe if the kinds are mixed up.
                    builder.Append('\\').Append(c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append(quote).ToString();
    }
}
