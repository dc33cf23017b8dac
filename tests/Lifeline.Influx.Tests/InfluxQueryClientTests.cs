using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>InfluxQL over <c>/query</c> against a real influxd 1.6.7; data is seeded with plain line protocol.</summary>
public sealed class InfluxQueryClientTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>2023-11-14T22:13:00Z, on a minute boundary.</summary>
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_699_999_980);

    [Fact]
    public async Task Query_GroupByTime_ReturnsMinMeanMaxPerInterval_WithNullsForEmptyIntervals()
    {
        // Arrange: twelve readings 10 s apart (values 1..12) over two minutes, then a silent third minute.
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var startNs = Start.ToUnixTimeMilliseconds() * 1_000_000;
        await influx.Server.WriteLineProtocolAsync(database, string.Join('\n', Enumerable.Range(0, 12).Select(i => $"reading,device=d1 value={i + 1} {startNs + (i * 10_000_000_000L)}")));
        using var query = new InfluxQueryClient(influx.V1(database));
        var from = Start.ToUnixTimeMilliseconds();
        var to = Start.AddMinutes(3).ToUnixTimeMilliseconds();

        // Act
        var result = await query.QueryAsync(
            $"SELECT MIN(\"value\"), MEAN(\"value\"), MAX(\"value\") FROM \"reading\" WHERE time >= {from}ms AND time < {to}ms GROUP BY time(1m) fill(null)",
            cts.Token);

        // Assert
        var series = result.Series.ShouldHaveSingleItem();
        series.Name.ShouldBe("reading");
        series.Columns.ShouldBe(["time", "min", "mean", "max"]);
        series.GetTimes().ShouldBe([Start, Start.AddMinutes(1), Start.AddMinutes(2)]);
        series.GetDoubles("min").ShouldBe([1, 7, null]);
        series.GetDoubles("mean").ShouldBe([3.5, 9.5, null]);
        series.GetDoubles("max").ShouldBe([6, 12, null]);
        result.Epoch.ShouldBe(InfluxEpoch.Milliseconds);
    }

    [Fact]
    public async Task Query_GroupByTag_ReturnsOneSeriesPerTagValue_AndStatementsInOrder()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        await influx.Server.WriteLineProtocolAsync(database, "reading,device=a value=1 1000000000\nreading,device=a value=3 2000000000\nreading,device=b value=10 1000000000");
        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        var result = await query.QueryAsync("SELECT MAX(\"value\") FROM \"reading\" GROUP BY \"device\"; SELECT COUNT(\"value\") FROM \"reading\"", cts.Token);

        // Assert
        result.Series.Count.ShouldBe(3);
        result.Series[0].Tags.ShouldBe(new Dictionary<string, string> { ["device"] = "a" });
        result.Series[0].GetDouble(0, "max").ShouldBe(3);
        result.Series[1].Tags["device"].ShouldBe("b");
        result.Series[1].GetDouble(0, "max").ShouldBe(10);
        result.Series[2].StatementId.ShouldBe(1);
        result.Series[2].GetInt64(0, "count").ShouldBe(3);
    }

    [Fact]
    public async Task Query_BadInfluxQl_ThrowsWithTheServersParseError()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        var error = await Should.ThrowAsync<InfluxQueryException>(() => query.QueryAsync("SELECT FROM WHERE", cts.Token));

        // Assert
        error.StatusCode.ShouldBe(400);
        error.ServerMessage.ShouldBe("error parsing query: found FROM, expected identifier, string, number, bool at line 1, char 8");
        error.Message.ShouldContain(error.ServerMessage!);
    }

    [Fact]
    public async Task Query_MissingDatabase_ThrowsWithTheStatementsError()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = InfluxFixture.NewName();
        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        var error = await Should.ThrowAsync<InfluxQueryException>(() => query.QueryAsync("SELECT * FROM \"reading\"", cts.Token));

        // Assert
        error.ServerMessage.ShouldBe($"database not found: {database}");
        error.Message.ShouldBe($"InfluxQL statement 0 failed: database not found: {database}");
    }

    [Fact]
    public async Task Query_InjectionAttemptInATagValue_StaysALiteral()
    {
        // Arrange: a device id crafted to close the literal, drop the database and comment out the rest.
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var evil = $"x' OR \"device\" = 'a'; DROP DATABASE \"{database}\"; SELECT * FROM \"reading\" WHERE '1' = '1 \\ \" \n end";
        var writerOptions = influx.V1(database);
        using (var writer = InfluxWriterFactory.Create(writerOptions))
        {
            await writer.WriteAsync(
            [
                PointData.Measurement("reading").Tag("device", "a").Field("value", 1.0).Timestamp(1_000_000_000L, WritePrecision.Ns),
                PointData.Measurement("reading").Tag("device", evil.Replace("\n", " ", StringComparison.Ordinal)).Field("value", 2.0).Timestamp(1_000_000_000L, WritePrecision.Ns),
            ], cts.Token);
        }

        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        var injected = await query.QueryAsync($"SELECT \"value\" FROM \"reading\" WHERE \"device\" = {InfluxQl.QuoteString(evil)}", cts.Token);
        var stored = await query.QueryAsync($"SELECT \"value\" FROM \"reading\" WHERE \"device\" = {InfluxQl.QuoteString(evil.Replace("\n", " ", StringComparison.Ordinal))}", cts.Token);

        // Assert: no rows for the literal with a newline, exactly the crafted row without; the database is still there.
        injected.Series.ShouldBeEmpty();
        stored.Series.ShouldHaveSingleItem().GetDoubles("value").ShouldBe([2.0]);
        (await influx.Server.DatabasesAsync()).ShouldContain(database);
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(2);
    }

    [Fact]
    public async Task Query_QuotedIdentifiers_WithQuotesAndSpaces_AreFound()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        const string measurement = "tunnel \"A\" o'clock";
        const string field = "temp \"max\" 'C'";
        using (var writer = InfluxWriterFactory.Create(influx.V1(database)))
        {
            await writer.WriteAsync([PointData.Measurement(measurement).Field(field, 31.5).Timestamp(5_000_000_000L, WritePrecision.Ns)], cts.Token);
        }

        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        var result = await query.QueryAsync($"SELECT {InfluxQl.QuoteIdentifier(field)} FROM {InfluxQl.QuoteIdentifier(measurement)}", InfluxEpoch.Seconds, cts.Token);

        // Assert
        var series = result.Series.ShouldHaveSingleItem();
        series.Name.ShouldBe(measurement);
        series.GetDouble(0, field).ShouldBe(31.5);
        series.GetTime(0).ShouldBe(DateTimeOffset.FromUnixTimeSeconds(5));
    }

    [Fact]
    public async Task Query_WrongPassword_ThrowsAuthRefused401()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        using var query = new InfluxQueryClient(new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Username = "admin", Password = "nope" });

        // Act
        var error = await Should.ThrowAsync<InfluxQueryException>(() => query.QueryAsync("SHOW DATABASES", cts.Token));

        // Assert
        error.StatusCode.ShouldBe(401);
        error.ServerMessage.ShouldBe("authorization failed");
        error.Message.ShouldContain("auth refused for user 'admin'");
    }

    [Fact]
    public async Task Query_NothingListening_ThrowsUnreachable()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var options = influx.V1("lifeline");
        var port = FreePort.Next();
        options.Url = new Uri($"http://127.0.0.1:{port}");
        using var query = new InfluxQueryClient(options);

        // Act
        var error = await Should.ThrowAsync<InfluxQueryException>(() => query.QueryAsync("SHOW DATABASES", cts.Token));

        // Assert
        error.Message.ShouldBe($"InfluxDB at http://127.0.0.1:{port} is unreachable: connection refused");
        error.StatusCode.ShouldBeNull();
    }
}
