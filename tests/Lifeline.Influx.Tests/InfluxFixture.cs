using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Writes;
using Lifeline.Testing;

namespace Lifeline.Influx.Tests;

/// <summary>
/// One real influxd 1.6.7 per test class, with the nginx v2 write shim in front of it. Each test writes into a database
/// of its own. Tests that stop or reconfigure a server start their own instead.
/// </summary>
public sealed class InfluxFixture : IAsyncLifetime
{
    /// <summary>Any value: 1.6.7 without authentication ignores the token the v2 client sends.</summary>
    public const string ShimToken = "token-ignored-by-influxdb-1.6.7";

    public const string ShimOrg = "lifeline-test";

    private InfluxDbServer? _server;
    private NginxV2Shim? _shim;

    public InfluxDbServer Server => _server ?? throw new InvalidOperationException("influxd did not start");

    public NginxV2Shim Shim => _shim ?? throw new InvalidOperationException("nginx did not start");

    public async ValueTask InitializeAsync()
    {
        _server = await InfluxDbServer.StartAsync();
        _shim = await NginxV2Shim.StartAsync(_server.Port);
    }

    public async ValueTask DisposeAsync()
    {
        if (_shim is not null)
        {
            await _shim.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A fresh, existing database.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var name = NewName();
        await Server.CreateDatabaseAsync(name);
        return name;
    }

    public static string NewName() => "t_" + Guid.NewGuid().ToString("N")[..12];

    public InfluxOptions V1(string database) => new()
    {
        Url = Server.Url,
        ApiVersion = InfluxApiVersion.V1,
        Database = database,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>V2 options against the shim: bucket = database (DBRP-style), any token and org.</summary>
    public InfluxOptions V2(string database) => new()
    {
        Url = Shim.Url,
        ApiVersion = InfluxApiVersion.V2,
        Bucket = database,
        Database = database,
        Org = ShimOrg,
        Token = ShimToken,
        Timeout = TimeSpan.FromSeconds(10),
    };
}

/// <summary>Readings as the forwarder will write them: nanosecond timestamps that are not whole microseconds.</summary>
internal static class Readings
{
    /// <summary>2023-11-14T22:13:20.123456789Z: its last digits are lost by any precision but nanoseconds.</summary>
    public const long BaseNs = 1_700_000_000_123_456_789L;

    public static PointData Point(long timeNs, double value, string device = "dev-1", string measurement = "reading") =>
        PointData.Measurement(measurement)
            .Tag("device", device)
            .Tag("sensor", "o2")
            .Field("value", value)
            .Timestamp(timeNs, WritePrecision.Ns);

    public static List<PointData> Series(int count, long startNs = BaseNs, long stepNs = 1_000_000_007L, string device = "dev-1") =>
        Enumerable.Range(0, count).Select(i => Point(startNs + (i * stepNs), 20.0 + (i / 8.0), device)).ToList();
}
