using Microsoft.Extensions.Options;

namespace Lifeline.Influx;

/// <summary>
/// Checks what data annotations cannot: an absolute http/https <see cref="InfluxOptions.Url"/> without credentials in it,
/// a defined <see cref="InfluxOptions.ApiVersion"/>, a token and an organisation for V2, a password with a V1 user.
/// Options without a URL (no InfluxDB configured) are valid.
/// </summary>
public sealed class InfluxOptionsValidator : IValidateOptions<InfluxOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem of <paramref name="options"/>.</summary>
    public static void ThrowIfInvalid(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException("Invalid InfluxDB options: " + string.Join("; ", failures), nameof(options));
        }
    }

    private static List<string> Check(InfluxOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.ApiVersion))
        {
            failures.Add($"Influx:ApiVersion must be 1 (V1) or 2 (V2), not {(int)options.ApiVersion}.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add("Influx:Timeout must be positive.");
        }

        if (!options.IsConfigured)
        {
            return failures;
        }

        failures.AddRange(global::Lifeline.Influx.Retention.InfluxRetentionValidation.Check(options));

        var url = options.Url!;
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Influx:Url must be an absolute http:// or https:// address, not '{url.OriginalString}'.");
            return failures;
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            failures.Add("Influx:Url must not carry credentials: use Influx:Username/Password (V1) or Influx:Token (V2).");
        }

        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
        {
            failures.Add($"Influx:Url must not have a query or fragment ('{url.GetLeftPart(UriPartial.Path)}' is the base address).");
        }

        if (string.IsNullOrWhiteSpace(options.Database) || options.Database.Any(char.IsControl))
        {
            failures.Add("Influx:Database must be a name without control characters.");
        }

        if (options.RetentionPolicy is { } rp && (rp.Length == 0 || rp.Any(char.IsControl)))
        {
            failures.Add("Influx:RetentionPolicy must be null (the default policy) or a name without control characters.");
        }

        switch (options.ApiVersion)
        {
            case InfluxApiVersion.V1:
                if (!string.IsNullOrEmpty(options.Username) && options.Password is null)
                {
                    failures.Add("Influx:Password is required when Influx:Username is set.");
                }

                break;
            case InfluxApiVersion.V2:
                if (string.IsNullOrWhiteSpace(options.Token))
                {
                    failures.Add("Influx:Token is required with Influx:ApiVersion=2.");
                }

                if (string.IsNullOrWhiteSpace(options.Org))
                {
                    failures.Add("Influx:Org is required with Influx:ApiVersion=2.");
                }

                if (string.IsNullOrWhiteSpace(options.Bucket))
                {
                    failures.Add("Influx:Bucket is required with Influx:ApiVersion=2.");
                }

                break;
        }

        return failures;
    }
}
