using Microsoft.Extensions.DependencyInjection;

namespace Lifeline.Influx.Tests;

/// <summary>The DI-registered services, end to end against real servers.</summary>
public sealed class AddInfluxTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    [Fact]
    public async Task AddInflux_V1_CheckCreatesTheDatabase_WriterWrites_QueryReadsBack()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = InfluxFixture.NewName();
        await using var provider = InfluxOptionsTests.Provider(new()
        {
            ["Influx:Url"] = influx.Server.Url.ToString(),
            ["Influx:ApiVersion"] = "1",
            ["Influx:Database"] = database,
        });

        // Act
        var check = await provider.GetRequiredService<InfluxConnectionCheck>().CheckAsync(cts.Token);
        await provider.GetRequiredService<IInfluxWriter>().WriteAsync(Readings.Series(3), cts.Token);
        var result = await provider.GetRequiredService<InfluxQueryClient>().QueryAsync("SELECT COUNT(\"value\") FROM \"reading\"", cts.Token);

        // Assert
        check.Status.ShouldBe(InfluxCheckStatus.Ok);
        check.Created.ShouldBeTrue();
        result.Series.ShouldHaveSingleItem().GetInt64(0, "count").ShouldBe(3);
    }

    [Fact]
    public async Task AddInflux_V2ClientThroughV1Shim_WriterWritesThroughTheClient()
    {
        // Arrange: the v2 client against a real 1.6.7 engine through the nginx rewrite (not InfluxDB 2.x).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var database = await influx.NewDatabaseAsync();
        await using var provider = InfluxOptionsTests.Provider(new()
        {
            ["Influx:Url"] = influx.Shim.Url.ToString(),
            ["Influx:ApiVersion"] = "V2",
            ["Influx:Bucket"] = database,
            ["Influx:Database"] = database,
            ["Influx:Org"] = InfluxFixture.ShimOrg,
            ["Influx:Token"] = InfluxFixture.ShimToken,
        });

        // Act
        var check = await provider.GetRequiredService<InfluxConnectionCheck>().CheckAsync(cts.Token);
        await provider.GetRequiredService<IInfluxWriter>().WriteAsync(Readings.Series(4), cts.Token);

        // Assert
        check.Status.ShouldBe(InfluxCheckStatus.Ok);
        check.Message.ShouldContain("could not be verified");
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(4);
    }
}
