using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>The V1 writer (line protocol to <c>/write</c>) against a real influxd 1.6.7.</summary>
public sealed class InfluxV1WriterTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Write_NanosecondPoints_AreStoredWithExactValuesAndTimestamps()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var points = Readings.Series(5);
        using var writer = InfluxWriterFactory.Create(influx.V1(database));
        using var query = new InfluxQueryClient(influx.V1(database));

        // Act
        await writer.WriteAsync(points, cts.Token);

        // Assert: read back with nanosecond epochs; any precision mix-up (n vs ns, us) shows in the last digits.
        var result = await query.QueryAsync("SELECT \"value\", \"device\" FROM \"reading\"", InfluxEpoch.Nanoseconds, cts.Token);
        var series = result.Series.ShouldHaveSingleItem();
        series.Values.Count.ShouldBe(5);
        for (var i = 0; i < 5; i++)
        {
            series.GetEpochTime(i).ShouldBe(Readings.BaseNs + (i * 1_000_000_007L));
            series.GetDouble(i, "value").ShouldBe(20.0 + (i / 8.0));
            series.GetString(i, "device").ShouldBe("dev-1");
        }

        series.GetTime(0).ShouldBe(DateTimeOffset.UnixEpoch.AddTicks(Readings.BaseNs / 100));
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(5);
    }

    [Fact]
    public async Task Write_PointsOfOtherPrecisions_AreSentWithTheirV1Precision()
    {
        // Arrange: 1.6.7 would silently read a v2 spelling such as "us" as nanoseconds (1000x wrong).
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        const long micros = 1_700_000_000_123_456L;
        const long millis = 1_700_000_001_123L;
        const long seconds = 1_700_000_002L;
        var points = new List<PointData>
        {
            Readings.Point(Readings.BaseNs, 1),
            PointData.Measurement("reading").Tag("device", "dev-1").Field("value", 2.0).Timestamp(micros, WritePrecision.Us),
            PointData.Measurement("reading").Tag("device", "dev-1").Field("value", 3.0).Timestamp(millis, WritePrecision.Ms),
            PointData.Measurement("reading").Tag("device", "dev-1").Field("value", 4.0).Timestamp(seconds, WritePrecision.S),
        };
        using var writer = InfluxWriterFactory.Create(influx.V1(database));

        // Act
        await writer.WriteAsync(points, cts.Token);

        // Assert
        using var document = await influx.Server.QueryAsync(database, "SELECT \"value\" FROM \"reading\"");
        var rows = document.RootElement.GetProperty("results")[0].GetProperty("series")[0].GetProperty("values");
        rows.EnumerateArray().Select(r => (r[0].GetInt64(), r[1].GetDouble())).ToList().ShouldBe(
        [
            (micros * 1_000, 2.0),
            (Readings.BaseNs, 1.0),
            (millis * 1_000_000, 3.0),
            (seconds * 1_000_000_000, 4.0),
        ]);
    }

    [Fact]
    public async Task Write_SamePointTwice_StoresOnePoint()
    {
        // Arrange: a retried batch (the forwarder cannot know whether a timed-out write landed).
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var points = Readings.Series(10);
        using var writer = InfluxWriterFactory.Create(influx.V1(database));

        // Act
        await writer.WriteAsync(points, cts.Token);
        await writer.WriteAsync(points, cts.Token);
        await writer.WriteAsync(points.Take(3).ToList(), cts.Token);

        // Assert: identity is measurement + tag set + time, so the repeats overwrite.
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(10);
    }

    [Fact]
    public async Task Write_FieldTypeConflict_IsRejectedWithInfluxDbsMessage_AndTheOtherPointsAreStored()
    {
        // Arrange: "value" becomes a float field first.
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V1(database));
        await writer.WriteAsync([Readings.Point(Readings.BaseNs, 1.5)], cts.Token);
        var batch = new List<PointData>
        {
            Readings.Point(Readings.BaseNs + 1, 2.5),
            PointData.Measurement("reading").Tag("device", "dev-1").Tag("sensor", "o2").Field("value", "high").Timestamp(Readings.BaseNs + 2, WritePrecision.Ns),
            Readings.Point(Readings.BaseNs + 3, 3.5),
        };

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(batch, cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Rejected);
        error.StatusCode.ShouldBe(400);
        error.IsTransient.ShouldBeFalse();
        error.ServerMessage.ShouldBe("partial write: field type conflict: input field \"value\" on measurement \"reading\" is type string, already exists as type float dropped=1");
        error.Message.ShouldContain(error.ServerMessage!);
        error.Message.ShouldContain($"database '{database}'");
        error.Message.ShouldContain(influx.Server.Url.ToString().TrimEnd('/'));
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(3);
    }

    [Fact]
    public async Task Write_LineInfluxDbCannotParse_IsRejectedNamingTheLine_AndTheOtherPointsAreStored()
    {
        // Arrange: a timestamp outside 1.x's range (PointData itself drops NaN and infinite fields, so this is how bad data looks).
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V1(database));
        var bad = Readings.Point(long.MaxValue, 7.5, device: "dev-bad");

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync([Readings.Point(Readings.BaseNs, 1), bad], cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Rejected);
        error.StatusCode.ShouldBe(400);
        error.ServerMessage.ShouldBe("partial write: unable to parse 'reading,device=dev-bad,sensor=o2 value=7.5 9223372036854775807': time outside range -9223372036854775806 - 9223372036854775806 dropped=0");
        error.Message.ShouldContain(error.ServerMessage!);
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(1);
    }

    [Fact]
    public async Task Write_ToMissingDatabase_FailsWithDatabaseMissing()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = InfluxFixture.NewName();
        using var writer = InfluxWriterFactory.Create(influx.V1(database));

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(2), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.DatabaseMissing);
        error.StatusCode.ShouldBe(404);
        error.ServerMessage.ShouldBe($"database not found: \"{database}\"");
        error.Message.ShouldContain($"database '{database}' does not exist");
    }

    [Fact]
    public async Task Write_ToMissingRetentionPolicy_FailsWithDatabaseMissing()
    {
        // Arrange: 1.6.7 answers 500 here, which is not a server fault.
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        var options = influx.V1(database);
        options.RetentionPolicy = "no_such_rp";
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(2), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.DatabaseMissing);
        error.StatusCode.ShouldBe(500);
        error.ServerMessage.ShouldBe("retention policy not found: no_such_rp");
    }

    [Fact]
    public async Task Write_ToExistingRetentionPolicy_IsStoredThere()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        await influx.Server.ExecuteAsync($"CREATE RETENTION POLICY \"short\" ON \"{database}\" DURATION 3650d REPLICATION 1");
        var options = influx.V1(database);
        options.RetentionPolicy = "short";
        using var writer = InfluxWriterFactory.Create(options);

        // Act
        await writer.WriteAsync(Readings.Series(4), cts.Token);

        // Assert: the default policy holds nothing, "short" holds the four points.
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(0);
        (await influx.Server.CountAsync(database, "reading", retentionPolicy: "short")).ShouldBe(4);
    }

    [Fact]
    public async Task Write_PointsWithoutFields_AreSkipped()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var writer = InfluxWriterFactory.Create(influx.V1(database));
        var empty = PointData.Measurement("reading").Tag("device", "dev-1").Timestamp(Readings.BaseNs + 99, WritePrecision.Ns);

        // Act
        await writer.WriteAsync([empty, .. Readings.Series(2)], cts.Token);
        await writer.WriteAsync([empty], cts.Token);
        await writer.WriteAsync([], cts.Token);

        // Assert
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(2);
    }

    [Fact]
    public async Task Write_WhenCancelled_ThrowsOperationCanceled_NotAnInfluxFailure()
    {
        // Arrange: a server that never answers, so the write is in flight when the token fires.
        using var silent = new SilentServer();
        var options = influx.V1("lifeline");
        options.Url = silent.Url;
        using var writer = InfluxWriterFactory.Create(options);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        // Act + Assert
        await Should.ThrowAsync<OperationCanceledException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));
    }

    [Fact]
    public async Task Write_ToHungServer_FailsWithTimeoutAfterTheConfiguredTimeout()
    {
        // Arrange
        using var silent = new SilentServer();
        var options = influx.V1("lifeline");
        options.Url = silent.Url;
        options.Timeout = TimeSpan.FromMilliseconds(300);
        using var writer = InfluxWriterFactory.Create(options);
        using var cts = new CancellationTokenSource(TestTimeout);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(3), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Timeout);
        error.IsTransient.ShouldBeTrue();
        error.StatusCode.ShouldBeNull();
        error.Message.ShouldBe($"InfluxDB at {silent.Url.ToString().TrimEnd('/')} did not answer within 300 ms (writing 3 points to database 'lifeline'); the points may or may not have been stored");
    }

    [Fact]
    public async Task Write_WithNothingListening_FailsWithUnreachable_ConnectionRefused()
    {
        // Arrange
        var options = influx.V1("lifeline");
        var port = FreePort.Next();
        options.Url = new Uri($"http://127.0.0.1:{port}");
        using var writer = InfluxWriterFactory.Create(options);
        using var cts = new CancellationTokenSource(TestTimeout);

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(2), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.Unreachable);
        error.IsTransient.ShouldBeTrue();
        error.Message.ShouldBe($"InfluxDB at http://127.0.0.1:{port} is unreachable: connection refused (writing 2 points to database 'lifeline')");
    }

    [Fact]
    public async Task Write_WhileInfluxdIsDown_FailsWithUnreachable_AndSucceedsAfterRestart_KeepingEarlierData()
    {
        // Arrange: a server of this test's own, since it is stopped.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync();
        await server.CreateDatabaseAsync("lifeline");
        var options = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Database = "lifeline" };
        using var writer = InfluxWriterFactory.Create(options);
        await writer.WriteAsync(Readings.Series(5), cts.Token);

        // Act
        await server.StopAsync();
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(5, Readings.BaseNs + 100), cts.Token));
        await server.RestartAsync();
        await writer.WriteAsync(Readings.Series(5, Readings.BaseNs + 100), cts.Token);

        // Assert: the outage is Unreachable; the same writer recovers; nothing written before the crash is lost.
        error.Kind.ShouldBe(InfluxWriteFailure.Unreachable);
        error.Message.ShouldContain("connection refused");
        (await server.CountAsync("lifeline", "reading")).ShouldBe(10);
    }

    [Fact]
    public async Task Write_WithAuthentication_WrongPasswordIsAuthRefused_RightPasswordWrites()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        await server.CreateDatabaseAsync("lifeline");
        var wrong = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Database = "lifeline", Username = InfluxDbServer.AdminUser, Password = "wrong" };
        var right = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Database = "lifeline", Username = InfluxDbServer.AdminUser, Password = InfluxDbServer.AdminPassword };
        var anonymous = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Database = "lifeline" };
        using var wrongWriter = InfluxWriterFactory.Create(wrong);
        using var rightWriter = InfluxWriterFactory.Create(right);
        using var anonymousWriter = InfluxWriterFactory.Create(anonymous);

        // Act
        var refused = await Should.ThrowAsync<InfluxWriteException>(() => wrongWriter.WriteAsync(Readings.Series(2), cts.Token));
        var noCredentials = await Should.ThrowAsync<InfluxWriteException>(() => anonymousWriter.WriteAsync(Readings.Series(2), cts.Token));
        await rightWriter.WriteAsync(Readings.Series(2), cts.Token);

        // Assert
        refused.Kind.ShouldBe(InfluxWriteFailure.AuthRefused);
        refused.StatusCode.ShouldBe(401);
        refused.Message.ShouldContain($"auth refused (401) for user '{InfluxDbServer.AdminUser}'");
        refused.Message.ShouldContain("authorization failed");
        noCredentials.Kind.ShouldBe(InfluxWriteFailure.AuthRefused);
        noCredentials.Message.ShouldContain("no credentials");
        (await server.CountAsync("lifeline", "reading")).ShouldBe(2);
    }

    [Fact]
    public async Task Write_UserWithoutWritePrivilege_IsAuthRefused403()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        await server.CreateDatabaseAsync("lifeline");
        await server.ExecuteAsync("CREATE USER \"reader\" WITH PASSWORD 'r'; GRANT READ ON \"lifeline\" TO \"reader\"");
        using var writer = InfluxWriterFactory.Create(new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Database = "lifeline", Username = "reader", Password = "r" });

        // Act
        var error = await Should.ThrowAsync<InfluxWriteException>(() => writer.WriteAsync(Readings.Series(1), cts.Token));

        // Assert
        error.Kind.ShouldBe(InfluxWriteFailure.AuthRefused);
        error.StatusCode.ShouldBe(403);
        error.ServerMessage.ShouldBe("\"reader\" user is not authorized to write to database \"lifeline\"");
    }

    [Fact]
    public async Task Write_LargeBatch_IsStoredCompletely()
    {
        // Arrange: a forwarder batch of 20,000 points (about 1.5 MB of line protocol).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var database = await influx.NewDatabaseAsync();
        var points = Enumerable.Range(0, 20_000).Select(i => Readings.Point(Readings.BaseNs + i, i, $"dev-{i % 50}")).ToList();
        using var writer = InfluxWriterFactory.Create(influx.V1(database));

        // Act
        await writer.WriteAsync(points, cts.Token);

        // Assert
        (await influx.Server.CountAsync(database, "reading")).ShouldBe(20_000);
    }
}
