using Lifeline.Assets.Yaml;
using Lifeline.Domain.Alarms;

namespace Lifeline.Assets.Seeds;

/// <summary>What <see cref="RulesParser"/> read: the valid rules and the overrides whose scopes are still to be checked.</summary>
internal sealed record RulesResult(List<ThresholdRule> Rules, List<OverrideEntry> Overrides);

/// <summary>An override that passed the checks of rules.yaml alone, with its mapping for errors about its scope.</summary>
internal sealed record OverrideEntry(RuleOverride Override, ThresholdRule Rule, YamlMap Map);
