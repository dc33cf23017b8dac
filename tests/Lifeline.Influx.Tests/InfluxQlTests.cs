namespace Lifeline.Influx.Tests;

public sealed class InfluxQlTests
{
    [Theory]
    [InlineData("reading", "\"reading\"")]
    [InlineData("my db", "\"my db\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("ends with \\", "\"ends with \\\\\"")]
    [InlineData("it's", "\"it\\'s\"")]
    [InlineData("two\nlines", "\"two\\nlines\"")]
    [InlineData("", "\"\"")]
    [InlineData("温度", "\"温度\"")]
    public void QuoteIdentifier_EscapesBackslashQuotesAndNewlines(string identifier, string expected) =>
        InfluxQl.QuoteIdentifier(identifier).ShouldBe(expected);

    [Theory]
    [InlineData("dev-1", "'dev-1'")]
    [InlineData("O'Brien", "'O\\'Brien'")]
    [InlineData("x' OR 'a'='a", "'x\\' OR \\'a\\'=\\'a'")]
    [InlineData("'; DROP DATABASE \"lifeline\"; --", "'\\'; DROP DATABASE \\\"lifeline\\\"; --'")]
    [InlineData("trailing \\", "'trailing \\\\'")]
    [InlineData("\\'", "'\\\\\\''")]
    [InlineData("a\nb", "'a\\nb'")]
    [InlineData("tab\there", "'tab\there'")]
    public void QuoteString_EscapesBackslashQuotesAndNewlines(string value, string expected) =>
        InfluxQl.QuoteString(value).ShouldBe(expected);

    [Fact]
    public void QuoteString_NeverLeavesAnUnescapedQuoteInside()
    {
        // Every quote inside the result is preceded by an odd number of backslashes.
        var nasty = "a'b\\'c\\\\'d\"e\\";
        var quoted = InfluxQl.QuoteString(nasty);
        var inner = quoted[1..^1];
        for (var i = 0; i < inner.Length; i++)
        {
            if (inner[i] is '\'' or '"')
            {
                var backslashes = 0;
                for (var j = i - 1; j >= 0 && inner[j] == '\\'; j--)
                {
                    backslashes++;
                }

                (backslashes % 2).ShouldBe(1, $"quote at {i} of {inner}");
            }
        }
    }

    [Fact]
    public void Quote_Null_Throws()
    {
        Should.Throw<ArgumentNullException>(() => InfluxQl.QuoteString(null!));
        Should.Throw<ArgumentNullException>(() => InfluxQl.QuoteIdentifier(null!));
    }
}
