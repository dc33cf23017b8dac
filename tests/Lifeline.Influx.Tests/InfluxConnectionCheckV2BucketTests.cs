namespace Lifeline.Influx.Tests;

/// <summary>
/// The V2 bucket step against scripted answers shaped like InfluxDB 2.x's <c>/api/v2/buckets</c> (no InfluxDB 2.x can
/// run here; these pin the status handling and JSON reading, not the server's behaviour).
/// </summary>
public sealed class InfluxConnectionCheckV2BucketTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Check_V2BucketListed_IsOk_AndSendsTheToken()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((_, path) => path.StartsWith("/ping", StringComparison.Ordinal)
            ? (204, string.Empty, ["X-Influxdb-Version: v2.7.11"])
            : (200, """{"buckets":[{"id":"1","name":"other"},{"id":"2","name":"lifeline"}]}""", []));
        using var check = new InfluxConnectionCheck(Options(server.Url));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Ok);
        result.ServerVersion.ShouldBe("v2.7.11");
        result.Message.ShouldEndWith("bucket 'lifeline' exists in org 'city'");
        server.Requests.ShouldContain("GET /api/v2/buckets?name=lifeline&org=city [Token secret-token]");
        result.Message.ShouldNotContain("secret-token");
    }

    [Fact]
    public async Task Check_V2TokenRefused_IsAuthRefused()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((_, path) => path.StartsWith("/ping", StringComparison.Ordinal)
            ? (204, string.Empty, ["X-Influxdb-Version: v2.7.11"])
            : (401, """{"code":"unauthorized","message":"unauthorized access"}""", []));
        using var check = new InfluxConnectionCheck(Options(server.Url));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.AuthRefused);
        result.Message.ShouldBe($"InfluxDB at {server.Url.ToString().TrimEnd('/')}: auth refused (401) for the configured token: unauthorized access");
    }

    [Fact]
    public async Task Check_V2BucketNotListed_WithoutCreateIfMissing_IsDatabaseMissing()
    {
        // Arrange
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((_, path) => path.StartsWith("/ping", StringComparison.Ordinal)
            ? (204, string.Empty, ["X-Influxdb-Version: v2.7.11"])
            : (200, """{"buckets":[]}""", []));
        var options = Options(server.Url);
        options.CreateIfMissing = false;
        using var check = new InfluxConnectionCheck(options);

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        result.Message.ShouldEndWith("bucket 'lifeline' does not exist in org 'city' (Influx:CreateIfMissing is off)");
    }

    [Fact]
    public async Task Check_V2OrgUnknown_IsDatabaseMissing_WithTheServersMessage()
    {
        // Arrange: InfluxDB 2.x answers 404 with a JSON error (unlike 1.x's plain "404 page not found").
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((_, path) => path.StartsWith("/ping", StringComparison.Ordinal)
            ? (204, string.Empty, ["X-Influxdb-Version: v2.7.11"])
            : (404, """{"code":"not found","message":"organization name \"city\" not found"}""", []));
        using var check = new InfluxConnectionCheck(Options(server.Url));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        result.Message.ShouldEndWith("bucket 'lifeline' cannot be looked up in org 'city': organization name \"city\" not found");
    }

    [Fact]
    public async Task Check_V2BucketMissing_IsCreatedThroughTheClientInTheNamedOrg()
    {
        // Arrange: no bucket yet; the org "city" has id 0a1b2c3d4e5f6a7b.
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((method, path) => (method, path) switch
        {
            (_, var p) when p.StartsWith("/ping", StringComparison.Ordinal) => (204, string.Empty, ["X-Influxdb-Version: v2.7.11"]),
            ("GET", var p) when p.StartsWith("/api/v2/buckets", StringComparison.Ordinal) => (200, """{"buckets":[]}""", ["Content-Type: application/json"]),
            ("GET", var p) when p.StartsWith("/api/v2/orgs", StringComparison.Ordinal) => (200, """{"orgs":[{"id":"0a1b2c3d4e5f6a7b","name":"city"}]}""", ["Content-Type: application/json"]),
            ("POST", "/api/v2/buckets") => (201, """{"id":"1b2c3d4e5f6a7b8c","orgID":"0a1b2c3d4e5f6a7b","type":"user","name":"lifeline","retentionRules":[]}""", ["Content-Type: application/json"]),
            _ => (404, """{"code":"not found","message":"path not found"}""", ["Content-Type: application/json"]),
        });
        using var check = new InfluxConnectionCheck(Options(server.Url));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.Ok, result.Message);
        result.Created.ShouldBeTrue();
        result.Message.ShouldEndWith("created bucket 'lifeline' in org 'city'");
        server.Requests.ShouldContain(r => r.StartsWith("GET /api/v2/orgs?", StringComparison.Ordinal) && r.Contains("org=city", StringComparison.Ordinal));
        server.Requests.ShouldContain("POST /api/v2/buckets [Token secret-token]");
    }

    [Fact]
    public async Task Check_V2BucketMissing_CreationRefused_IsDatabaseMissingWithTheReason()
    {
        // Arrange: a read-only token may list but not create.
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var server = new ScriptedHttpServer((method, path) => (method, path) switch
        {
            (_, var p) when p.StartsWith("/ping", StringComparison.Ordinal) => (204, string.Empty, ["X-Influxdb-Version: v2.7.11"]),
            ("GET", var p) when p.StartsWith("/api/v2/buckets", StringComparison.Ordinal) => (200, """{"buckets":[]}""", ["Content-Type: application/json"]),
            ("GET", var p) when p.StartsWith("/api/v2/orgs", StringComparison.Ordinal) => (200, """{"orgs":[{"id":"0a1b2c3d4e5f6a7b","name":"city"}]}""", ["Content-Type: application/json"]),
            _ => (403, """{"code":"forbidden","message":"insufficient permissions for write:orgs/0a1b2c3d4e5f6a7b/buckets"}""", ["Content-Type: application/json"]),
        });
        using var check = new InfluxConnectionCheck(Options(server.Url));

        // Act
        var result = await check.CheckAsync(cts.Token);

        // Assert
        result.Status.ShouldBe(InfluxCheckStatus.DatabaseMissing);
        result.Message.ShouldEndWith("bucket 'lifeline' does not exist and could not be created: 403 insufficient permissions for write:orgs/0a1b2c3d4e5f6a7b/buckets");
    }

    private static InfluxOptions Options(Uri url) => new() { Url = url, ApiVersion = InfluxApiVersion.V2, Bucket = "lifeline", Org = "city", Token = "secret-token" };
}
