using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lifeline.Influx.Tests;

/// <summary>Binding and validation of the <c>Influx</c> section, and what <c>AddInflux</c> registers.</summary>
public sealed class InfluxOptionsTests
{
    [Theory]
    [InlineData("1", InfluxApiVersion.V1)]
    [InlineData("2", InfluxApiVersion.V2)]
    [InlineData("V1", InfluxApiVersion.V1)]
    [InlineData("v2", InfluxApiVersion.V2)]
    public void Bind_ApiVersion_AcceptsNumbersAndNames(string value, InfluxApiVersion expected)
    {
        var options = Bind(new() { ["Influx:ApiVersion"] = value });

        options.ApiVersion.ShouldBe(expected);
    }

    [Fact]
    public void Bind_Defaults()
    {
        var options = Bind([]);

        options.IsConfigured.ShouldBeFalse();
        options.ApiVersion.ShouldBe(InfluxApiVersion.V2);
        options.Database.ShouldBe("lifeline");
        options.Bucket.ShouldBe("lifeline");
        options.Timeout.ShouldBe(TimeSpan.FromSeconds(10));
        options.CreateIfMissing.ShouldBeTrue();
        options.Retention.Enabled.ShouldBeTrue();
        options.Retention.Raw.ShouldBe("30d");
        options.Retention.Aggregates.ShouldBe("730d");
        options.Retention.AggregatePolicy.ShouldBe("agg_2y");
        options.Downsampling.Enabled.ShouldBeTrue();
        options.Downsampling.Interval.ShouldBe("1m");
    }

    [Fact]
    public void Bind_RetentionAndDownsampling()
    {
        var options = Bind(new()
        {
            ["Influx:Url"] = "http://influx:8086",
            ["Influx:ApiVersion"] = "1",
            ["Influx:Retention:Raw"] = "14d",
            ["Influx:Retention:Aggregates"] = "INF",
            ["Influx:Retention:AggregatePolicy"] = "agg",
            ["Influx:Downsampling:Enabled"] = "false",
            ["Influx:Downsampling:Lookback"] = "1h",
        });

        options.Retention.Raw.ShouldBe("14d");
        options.Retention.Aggregates.ShouldBe("INF");
        options.Retention.AggregatePolicy.ShouldBe("agg");
        options.Downsampling.Enabled.ShouldBeFalse();
        options.Downsampling.Lookback.ShouldBe("1h");
        Validate(options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Bind_EmptyUrl_IsNotConfigured()
    {
        var options = Bind(new() { ["Influx:Url"] = string.Empty });

        options.IsConfigured.ShouldBeFalse();
        Validate(options).Succeeded.ShouldBeTrue();
    }

    [Fact]
    public void Bind_FullV1Section()
    {
        var options = Bind(new()
        {
            ["Influx:Url"] = "http://influx:8086",
            ["Influx:ApiVersion"] = "1",
            ["Influx:Database"] = "city",
            ["Influx:RetentionPolicy"] = "raw",
            ["Influx:Username"] = "lifeline",
            ["Influx:Password"] = "pw",
            ["Influx:Timeout"] = "00:00:05",
            ["Influx:CreateIfMissing"] = "false",
        });

        options.IsConfigured.ShouldBeTrue();
        options.Url.ShouldBe(new Uri("http://influx:8086"));
        options.RetentionPolicy.ShouldBe("raw");
        options.Timeout.ShouldBe(TimeSpan.FromSeconds(5));
        options.CreateIfMissing.ShouldBeFalse();
        Validate(options).Succeeded.ShouldBeTrue();
    }

    [Theory]
    [InlineData("localhost:8086", "must be an absolute http:// or https:// address")]
    [InlineData("ftp://influx", "must be an absolute http:// or https:// address")]
    [InlineData("/relative", "must be an absolute http:// or https:// address")]
    [InlineData("http://user:pw@influx:8086", "must not carry credentials")]
    [InlineData("http://influx:8086/?db=x", "must not have a query")]
    public void Validate_BadUrl_Fails(string url, string expected)
    {
        var options = new InfluxOptions { Url = new Uri(url, UriKind.RelativeOrAbsolute), ApiVersion = InfluxApiVersion.V1 };

        var result = Validate(options);

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain(expected);
    }

    [Fact]
    public void Validate_V2_NeedsTokenAndOrg()
    {
        var result = Validate(new InfluxOptions { Url = new Uri("http://influx:8086"), ApiVersion = InfluxApiVersion.V2 });

        result.Failed.ShouldBeTrue();
        result.FailureMessage.ShouldContain("Influx:Token is required with Influx:ApiVersion=2");
        result.FailureMessage.ShouldContain("Influx:Org is required with Influx:ApiVersion=2");
    }

    [Fact]
    public void Validate_V1UserWithoutPassword_Fails_AndUndefinedVersionFails()
    {
        Validate(new InfluxOptions { Url = new Uri("http://influx:8086"), ApiVersion = InfluxApiVersion.V1, Username = "u" })
            .FailureMessage!.ShouldContain("Influx:Password is required when Influx:Username is set");
        Validate(new InfluxOptions { ApiVersion = (InfluxApiVersion)3 }).FailureMessage!.ShouldContain("must be 1 (V1) or 2 (V2), not 3");
    }

    [Fact]
    public void Create_WithInvalidOptions_ThrowsListingTheProblems()
    {
        var error = Should.Throw<ArgumentException>(() => InfluxWriterFactory.Create(new InfluxOptions { Url = new Uri("http://influx:8086") }));

        error.Message.ShouldContain("Influx:Token is required");
        Should.Throw<ArgumentException>(() => InfluxWriterFactory.Create(new InfluxOptions())).Message.ShouldContain("Influx:Url is empty");
    }

    [Fact]
    public void AddInflux_InvalidSection_FailsValidationWithTheReasons()
    {
        using var provider = Provider(new() { ["Influx:Url"] = "http://influx:8086", ["Influx:ApiVersion"] = "V2", ["Influx:Timeout"] = "00:00:00" });

        var error = Should.Throw<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InfluxOptions>>().Value);

        error.Message.ShouldContain("Influx:Token is required");
        error.Message.ShouldContain("Timeout");
    }

    [Fact]
    public async Task AddInflux_NotConfigured_ResolvesEverything_CheckSaysNotConfigured_WritesThrow()
    {
        await using var provider = Provider([]);

        var check = await provider.GetRequiredService<InfluxConnectionCheck>().CheckAsync(CancellationToken.None);
        var writer = provider.GetRequiredService<IInfluxWriter>();

        check.Status.ShouldBe(InfluxCheckStatus.NotConfigured);
        await Should.ThrowAsync<InvalidOperationException>(() => writer.WriteAsync(Readings.Series(1), CancellationToken.None));
        await Should.ThrowAsync<InvalidOperationException>(() => provider.GetRequiredService<InfluxQueryClient>().QueryAsync("SHOW DATABASES", CancellationToken.None));
    }

    internal static ServiceProvider Provider(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddInflux(configuration).BuildServiceProvider(validateScopes: true);
    }

    private static InfluxOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new InfluxOptions();
        configuration.GetSection(InfluxOptions.SectionName).Bind(options);
        return options;
    }

    private static ValidateOptionsResult Validate(InfluxOptions options) => new InfluxOptionsValidator().Validate(null, options);
}
