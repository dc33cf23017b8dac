using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>The start-up check against real servers: it must say precisely what is wrong.</summary>
public sealed class InfluxConnectionCheckTests(InfluxFixture influx) : IClassFixture<InfluxFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Check_ExistingDatabase_IsOk_WithServerVersion()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        using var check = new InfluxConnectionCheck(influx.V1(database));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Ok);
        result.Created.ShouldBeFalse();
        result.ServerVersion.ShouldBe("1.6.7~rc0");
        result.Message.ShouldBe($"InfluxDB at {Base(influx.Server.Url)} (InfluxDB 1.6.7~rc0): database '{database}' exists");
    }

    [Fact]
    public async Task Check_MissingDatabase_IsCreated()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = InfluxFixture.NewName();
        using var check = new InfluxConnectionCheck(influx.V1(database));

        // Act
        var first = await check.CheckAsync(cts.Token);
        var second = await check.CheckAsync(cts.Token);

        // Assert
        first.Status.ShouldBe(InfluxCheckStatus.Ok);
        first.Created.ShouldBeTrue();
        first.Message.ShouldEndWith($"created database '{database}'");
        (await influx.Server.DatabasesAsync()).ShouldContain(database);
        second.Created.ShouldBeFalse();
    }

    [Fact]
    public async Task Check_MissingDatabase_WithoutCreateIfMissing_IsDatabaseMissing()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = InfluxFixture.NewName();
        var options = influx.V1(database);
        options.CreateIfMissing = false;
        using var check = new InfluxConnectionCheck(options);

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        result.Message.ShouldBe($"InfluxDB at {Base(influx.Server.Url)} (InfluxDB 1.6.7~rc0): database '{database}' does not exist (Influx:CreateIfMissing is off)");
        (await influx.Server.DatabasesAsync()).ShouldNotContain(database);
    }

    [Fact]
    public async Task Check_MissingRetentionPolicy_IsDatabaseMissing_AndExistingOneIsOk()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var database = await influx.NewDatabaseAsync();
        await influx.Server.ExecuteAsync($"CREATE RETENTION POLICY \"year\" ON \"{database}\" DURATION 365d REPLICATION 1");
        var missing = influx.V1(database);
        missing.RetentionPolicy = "decade";
        var present = influx.V1(database);
        present.RetentionPolicy = "year";
        using var missingCheck = new InfluxConnectionCheck(missing);
        using var presentCheck = new InfluxConnectionCheck(present);

        // Act
        var bad = await missingCheck.CheckAsync(cts.Token);
        var good = await presentCheck.CheckAsync(cts.Token);

        // Assert
        bad.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        bad.Message.ShouldEndWith($"retention policy 'decade' does not exist on database '{database}' (it is never created automatically)");
        good.Status.ShouldBe(InfluxCheckStatus.Ok);
        good.Message.ShouldEndWith($"database '{database}', retention policy 'year' exists");
    }

    [Fact]
    public async Task Check_NothingListening_IsUnreachable_ConnectionRefused()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        var port = FreePort.Next();
        var options = influx.V1("lifeline");
        options.Url = new Uri($"http://127.0.0.1:{port}");
        using var check = new InfluxConnectionCheck(options);

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Unreachable);
        result.Message.ShouldBe($"InfluxDB at http://127.0.0.1:{port} is unreachable: connection refused");
        result.ServerVersion.ShouldBeNull();
    }

    [Fact]
    public async Task Check_HungServer_IsUnreachable_NamingTheTimeout()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        using var silent = new SilentServer();
        var options = influx.V1("lifeline");
        options.Url = silent.Url;
        options.Timeout = TimeSpan.FromMilliseconds(300);
        using var check = new InfluxConnectionCheck(options);

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Unreachable);
        result.Message.ShouldBe($"InfluxDB at {Base(silent.Url)} did not answer within 300 ms (GET /ping)");
    }

    [Fact]
    public async Task Check_WithAuthentication_WrongPasswordIsAuthRefused_RightPasswordCreatesTheDatabase()
    {
        // Arrange: influxd with auth-enabled and an admin user (created by the fixture before auth applies).
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        var wrong = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Username = InfluxDbServer.AdminUser, Password = "x" };
        var right = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Username = InfluxDbServer.AdminUser, Password = InfluxDbServer.AdminPassword };
        var anonymous = new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1 };
        using var wrongCheck = new InfluxConnectionCheck(wrong);
        using var rightCheck = new InfluxConnectionCheck(right);
        using var anonymousCheck = new InfluxConnectionCheck(anonymous);

        // Act
        var refused = await wrongCheck.CheckAsync(cts.Token);
        var noCredentials = await anonymousCheck.CheckAsync(cts.Token);
        var ok = await rightCheck.CheckAsync(cts.Token);

        // Assert
        refused.Status.ShouldBe(InfluxCheckStatus.AuthRefused);
        refused.Message.ShouldBe($"InfluxDB at {Base(server.Url)}: auth refused (401) for user 'admin': authorization failed");
        refused.ServerVersion.ShouldBe("1.6.7~rc0");
        noCredentials.Status.ShouldBe(InfluxCheckStatus.AuthRefused);
        noCredentials.Message.ShouldBe($"InfluxDB at {Base(server.Url)}: auth refused (401) for no credentials (Influx:Username is not set): unable to parse authentication credentials");
        ok.Status.ShouldBe(InfluxCheckStatus.Ok);
        ok.Created.ShouldBeTrue();
        (await server.DatabasesAsync()).ShouldContain("lifeline");
    }

    [Fact]
    public async Task Check_UserWithoutAdminPrivilege_CannotCreate_IsDatabaseMissingWithTheReason()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync(authEnabled: true);
        await server.ExecuteAsync("CREATE USER \"writer\" WITH PASSWORD 'w'");
        using var check = new InfluxConnectionCheck(new InfluxOptions { Url = server.Url, ApiVersion = InfluxApiVersion.V1, Username = "writer", Password = "w" });

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        result.Message.ShouldBe($"InfluxDB at {Base(server.Url)} (InfluxDB 1.6.7~rc0): database 'lifeline' does not exist and could not be created: "
            + "403 error authorizing query: writer not authorized to execute statement 'CREATE DATABASE lifeline', requires admin privilege");
    }

    [Fact]
    public async Task Check_V2ClientThroughV1Shim_IsOk_SayingTheBucketCouldNotBeVerified()
    {
        // Arrange: nginx passes /api/v2/buckets through to 1.6.7, which answers 404 (as InfluxDB 1.8 would).
        using var cts = new CancellationTokenSource(TestTimeout);
        using var check = new InfluxConnectionCheck(influx.V2("anything"));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Ok);
        result.ServerVersion.ShouldBe("1.6.7~rc0");
        result.Message.ShouldBe($"InfluxDB at {Base(influx.Shim.Url)} (InfluxDB 1.6.7~rc0) answers 404 on /api/v2/buckets (InfluxDB 1.8's compatibility API or a write proxy): bucket 'anything' could not be verified on this server");
    }

    [Fact]
    public async Task Check_ProxyWithInfluxdDown_IsUnreachable()
    {
        // Arrange: nginx answers 502 for /ping when influxd is gone.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var server = await InfluxDbServer.StartAsync();
        await using var shim = await NginxV2Shim.StartAsync(server.Port);
        await server.StopAsync();
        using var check = new InfluxConnectionCheck(new InfluxOptions { Url = shim.Url, Bucket = "b", Org = "o", Token = "t" });

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Unreachable);
        result.Message.ShouldStartWith($"InfluxDB at {Base(shim.Url)} is unreachable: a proxy answered 502 on /ping");
    }

    [Fact]
    public async Task Check_ServerThatIsNotInfluxDb_IsUnsupported()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var other = new ScriptedHttpServer((_, _) => (404, "no such page", []));
        var options = influx.V1("lifeline");
        options.Url = other.Url;
        using var check = new InfluxConnectionCheck(options);

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Unsupported);
        result.Message.ShouldBe($"InfluxDB at {Base(other.Url)} answered 404 on /ping (no such page): is this an InfluxDB server?");
    }

    [Fact]
    public async Task Check_NotConfigured_SaysSo()
    {
        // Arrange
        using var check = new InfluxConnectionCheck(new InfluxOptions());

        // Act
        var result = await check.CheckAsync(CancellationToken.None);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.NotConfigured);
        result.Message.ShouldContain("Influx:Url is empty");
    }

    private static string Base(Uri url) => url.ToString().TrimEnd('/');
}
