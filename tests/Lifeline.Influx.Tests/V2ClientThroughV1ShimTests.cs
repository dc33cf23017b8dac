using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>
/// The V2 writer (InfluxDB.Client's real <c>/api/v2/write</c> path) against a real InfluxDB 1.6.7 engine through the
/// nginx rewrite of <see cref="NginxV2Shim"/>. This is NOT InfluxDB 2.x: it checks what the client sends (precision,
/// bucket, body) and how its exceptions are mapped; InfluxDB 2.x itself runs only in the docker-compose deployment.
/// </summary>
public sealed class V2ClientThroughV1ShimTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task V2ClientThroughV1Shim_NanosecondPoints_AreStoredWithExactValuesAndTimestamps()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V2(database));
        using var query = new InfluxQueryClient(influx.V2(database));

        // Act
        await writer.WriteAsync(Readings.Series(5), cts.Token);

        // Assert: read back through the shim's pass-through with the v2 token, times in nanoseconds.
        var series = (await query.QueryAsync("SELECT \"value\" FROM \"reading\"", InfluxEpoch.Nanoseconds, cts.Token)).Series.ShouldHaveSingleItem();
        Enumerable.Range(0, 5).Select(series.GetEpochTime).ShouldBe(Enumerable.Range(0, 5).Select(i => Readings.BaseNs + (i * 1_000_000_007L)));
        series.GetDoubles("value").ShouldBe(Enumerable.Range(0, 5).Select(i => (double?)(20.0 + (i / 8.0))));
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_MicrosecondPoints_KeepTheirTime()
    {
        // Arrange: the client sends precision=us, which 1.6.7 alone would take as nanoseconds.
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        const long micros = 1_700_000_000_123_456L;
        using var writer = InfluxWriterFactory.Create(influx.V2(database));

        // Act
        await writer.WriteAsync([PointData.Measurement("reading").Tag("device", "d").Field("value", 1.0).Timestamp(micros, WritePrecision.Us)], cts.Token);

        // Assert
        using var document = await influx.Server.QueryAsync(database, "SELECT \"value\" FROM \"reading\"");
        document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values")[0][0].GetInt64().ShouldBe(micros * 1000);
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_SamePointTwice_StoresOnePoint()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V2(database));

        // Act
        await writer.WriteAsync(Readings.Series(7), cts.Token);
        await writer.WriteAsync(Readings.Series(7), cts.Token);

        // Assert
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(7);
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_FieldTypeConflict_IsRejectedWithInfluxDbsMessage()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V2(database));
        await writer.WriteAsync([Readings.Point(Readings.BaseNs, 1.5)], cts.Token);
        var conflicting = PointData.Measurement("reading").Tag("device", "dev-1").Tag("sensor", "o2").Field("value", "high").Timestamp(Readings.BaseNs + 1, WritePrecision.Ns);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync([Readings.Point(Readings.BaseNs + 2, 2.5), conflicting], cts.Token));

        // Assert: the client's BadRequestException carries 1.x's X-Influxdb-Error text.
        error.Kind.ShouldBe(InfluxWriteFailure.Rejected);
        error.StatusCode.ShouldBe(400);
        error.ServerMessage.ShouldBe("partial write: field type conflict: input field \"value\" on measurement \"reading\" is type string, already exists as type float dropped=1");
        error.Message.ShouldContain(error.ServerMessage!);
        error.Message.ShouldContain($"bucket '{database}' (org '{InfluxFixture.ShimOrg}')");
        error.InnerException.ShouldBeOfType<InfluxDB.Client.Core.Exceptions.BadRequestException>();
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(2);
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_MissingBucket_FailsWithDatabaseMissing()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = InfluxFixture.NewName();
        using var writer = InfluxWriterFactory.Create(influx.V2(database));

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.DatabaseMissing);
        error.StatusCode.ShouldBe(404);
        error.ServerMessage.ShouldBe($"database not found: \"{database}\"");
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_BucketWithRetentionPolicy_WritesThere_AndAMissingPolicyIsDatabaseMissing()
    {
        // Arrange: 1.8-style bucket names "db/rp".
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        await influx.Server.ExecuteAsync($"CREATE RETENTION POLICY \"week\" ON \"{database}\" DURATION 3650d REPLICATION 1");
        var good = influx.V2(database);
        good.Bucket = $"{database}/week";
        var bad = influx.V2(database);
        bad.Bucket = $"{database}/nope";
        using var goodWriter = InfluxWriterFactory.Create(good);
        using var badWriter = InfluxWriterFactory.Create(bad);

        // Act
        await goodWriter.WriteAsync(Readings.Series(3), cts.Token);
        var error = await Should.ThrowAsync<InfluxWriteException>(() => badWriter.WriteAsync(Readings.Series(3), cts.Token));

        // Assert
        (await influx.Server.CountAsync(database, "reading", retentionPolicy: "week")).ShouldBe(3);
        error.Kind.ShouldBe(InfluxWriteFailure.DatabaseMissing);
        error.StatusCode.ShouldBe(500);
        error.ServerMessage.ShouldBe("retention policy not found: nope");
    }

    [Fact]
    public async Task V2Client_AgainstPlainInfluxDb1_SaysTheEndpointIsMissing()
    {
        // Arrange: V2 configured against a 1.x server without a shim (a likely configuration mistake).
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var options = influx.V2(database);
        options.Url = influx.Server.Url;
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.DatabaseMissing);
        error.StatusCode.ShouldBe(404);
        error.Message.ShouldContain("has no /api/v2/write endpoint");
        error.Message.ShouldContain("Influx:ApiVersion=2");
    }

    [Fact]
    public async Task V2Client_WithNothingListening_FailsWithUnreachable_ConnectionRefused()
    {
        // Arrange: the client reports this as HttpException with status 0.
        using var cts = new CancellationTokenSource(TestTimeout);
        var options = influx.V2("lifeline");
        var port = FreePort.Next();
        options.Url = new Uri($"http://127.0.0.1:{port}");
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(2), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Unreachable);
        error.StatusCode.ShouldBeNull();
        error.Message.ShouldBe($"InfluxDB at http://127.0.0.1:{port} is unreachable: connection refused (writing 2 points to bucket 'lifeline' (org '{InfluxFixture.ShimOrg}'))");
    }

    [Fact]
    public async Task V2Client_ToHungServer_FailsWithTimeout()
    {
        // Arrange
        using var silent = new SilentServer();
        using var cts = new CancellationTokenSource(TestTimeout);
        var options = influx.V2("lifeline");
        options.Url = silent.Url;
        options.Timeout = TimeSpan.FromMilliseconds(300);
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Timeout);
        error.Message.ShouldContain("did not answer within 300 ms");
    }

    [Fact]
    public async Task V2Client_WhenCancelled_ThrowsOperationCanceled_NotATimeout()
    {
        // Arrange: the client itself wraps cancellation into HttpException(status 0); the writer restores it.
        using var silent = new SilentServer();
        var options = influx.V2("lifeline");
        options.Url = silent.Url;
        using var writer = InfluxWriterFactory.Create(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // Act + Assert
        await Should.ThrowAsync<OperationCanceledException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));
    }

    [Fact]
    public async Task V2ClientThroughV1Shim_InfluxdDownBehindTheProxy_IsServerError502_AndRecovers()
    {
        // Arrange: a server and shim of this test's own, since the server is stopped.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync();
        await using var shim = await NginxV2Shim.StartAsync(server.Port);
        await server.CreateDatabaseAsync("lifeline");
        var options = new InfluxOptions { Url = shim.Url, ApiVersion = InfluxApiVersion.V2, Bucket = "lifeline", Org = "o", Token = "t" };
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        await server.StopAsync();
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(4), cts.Token));
        await server.RestartAsync();
        await writer.WriteAsync(Readings.Series(4), cts.Token);

        // Assert: behind a proxy an outage is the proxy's 502, a transient server error, not Unreachable.
        error.Kind.ShouldBe(InfluxWriteFailure.ServerError);
        error.StatusCode.ShouldBe(502);
        error.IsTransient.ShouldBeTrue();
        (await server.CountAsync("lifeline", "reading")).ShouldBe(4);
    }
}
