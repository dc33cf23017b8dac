using System.Text.Json;

namespace Lifeline.Influx.Tests;

/// <summary>Parsing of <c>/query</c> answers as 1.x gives them (the shapes were taken from influxd 1.6.7).</summary>
public sealed class InfluxQueryResultTests
{
    [Fact]
    public void Parse_SeriesWithTagsNullsAndSeveralStatements()
    {
        const string json = """
            {"results":[
              {"statement_id":0,"series":[
                {"name":"reading","tags":{"device":"a"},"columns":["time","mean"],"values":[[1700000000000,1.5],[1700000060000,null]]},
                {"name":"reading","tags":{"device":"b"},"columns":["time","mean"],"values":[[1700000000000,2]],"partial":true}]},
              {"statement_id":1},
              {"statement_id":2,"series":[{"name":"databases","columns":["name"],"values":[["lifeline"],["_internal"]]}]}]}
            """;

        var result = InfluxQueryResult.Parse(json, InfluxEpoch.Milliseconds);

        result.Series.Count.ShouldBe(3);
        var a = result.Series[0];
        a.Name.ShouldBe("reading");
        a.Tags["device"].ShouldBe("a");
        a.GetDoubles("mean").ShouldBe([1.5, null]);
        a.GetTimes().ShouldBe([DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_060_000)]);
        a.Partial.ShouldBeFalse();
        result.Series[1].Partial.ShouldBeTrue();
        result.Series[1].GetInt64(0, "mean").ShouldBe(2);
        result.Series[2].StatementId.ShouldBe(2);
        result.Series[2].GetString(1, "name").ShouldBe("_internal");
        result.Series[2].Tags.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(InfluxEpoch.Nanoseconds, 1_700_000_000_123_456_789L, 17_000_000_001_234_567L)]
    [InlineData(InfluxEpoch.Microseconds, 1_700_000_000_123_456L, 17_000_000_001_234_560L)]
    [InlineData(InfluxEpoch.Milliseconds, 1_700_000_000_123L, 17_000_000_001_230_000L)]
    [InlineData(InfluxEpoch.Seconds, 1_700_000_000L, 17_000_000_000_000_000L)]
    public void GetTime_ConvertsEachEpoch(InfluxEpoch epoch, long raw, long ticksSinceEpoch)
    {
        var result = InfluxQueryResult.Parse($$"""{"results":[{"statement_id":0,"series":[{"name":"m","columns":["time","v"],"values":[[{{raw}},1]]}]}]}""", epoch);

        var series = result.Series.ShouldHaveSingleItem();
        series.GetEpochTime(0).ShouldBe(raw);
        series.GetTime(0).ShouldBe(DateTimeOffset.UnixEpoch.AddTicks(ticksSinceEpoch));
    }

    [Fact]
    public void Parse_TopLevelError_Throws()
    {
        var error = Should.Throw<InfluxQueryException>(() => InfluxQueryResult.Parse("""{"error":"error parsing query: found EOF"}""", InfluxEpoch.Milliseconds));
        error.ServerMessage.ShouldBe("error parsing query: found EOF");
    }

    [Fact]
    public void Parse_StatementError_Throws_EvenAfterGoodStatements()
    {
        const string json = """{"results":[{"statement_id":0,"series":[]},{"statement_id":1,"error":"database not found: x"}]}""";
        var error = Should.Throw<InfluxQueryException>(() => InfluxQueryResult.Parse(json, InfluxEpoch.Milliseconds));
        error.ServerMessage.ShouldBe("database not found: x");
        error.Message.ShouldBe("InfluxQL statement 1 failed: database not found: x");
    }

    [Fact]
    public void Parse_Messages_AreKept()
    {
        const string json = """{"results":[{"statement_id":0,"messages":[{"level":"warning","text":"deprecated use of 'CREATE DATABASE x' in a read only context, please use a POST request instead"}]}]}""";
        InfluxQueryResult.Parse(json, InfluxEpoch.Milliseconds).Messages.ShouldHaveSingleItem().ShouldStartWith("warning: deprecated use");
    }

    [Fact]
    public void Parse_NotJson_Throws_ShowingTheBody()
    {
        var error = Should.Throw<InfluxQueryException>(() => InfluxQueryResult.Parse("<html>502 Bad Gateway</html>", InfluxEpoch.Milliseconds));
        error.Message.ShouldContain("502 Bad Gateway");
        error.InnerException.ShouldBeAssignableTo<JsonException>();
    }

    [Fact]
    public void Getters_NameTheProblem()
    {
        var series = InfluxQueryResult.Parse("""{"results":[{"series":[{"name":"m","columns":["time","s"],"values":[[1,"text"]]}]}]}""", InfluxEpoch.Milliseconds).Series[0];

        Should.Throw<KeyNotFoundException>(() => series.GetDouble(0, "value")).Message.ShouldBe("Series 'm' has no column 'value' (columns: time, s)");
        Should.Throw<InvalidOperationException>(() => series.GetDouble(0, "s")).Message.ShouldContain("not a number");
        series.GetString(0, "s").ShouldBe("text");
    }
}
