using Lifeline.Domain.Assets;
using Microsoft.Extensions.Options;

namespace Lifeline.Ingestion.Mqtt;

/// <summary>Checks <c>Mqtt:Sites</c> against the registry, so a typo stops start-up instead of ingesting nothing.</summary>
internal sealed class MqttSitesValidator(AssetRegistry registry) : IValidateOptions<MqttOptions>
{
    public ValidateOptionsResult Validate(string? name, MqttOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.IngestsNoSite)
        {
            return ValidateOptionsResult.Success;
        }

        var known = registry.Sites.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var unknown = options.SiteIds.Where(s => !known.Contains(s)).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Mqtt:Sites: {string.Join(", ", unknown.Select(s => $"'{s}'"))} is not a site of the registry (sites: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
    }
}
