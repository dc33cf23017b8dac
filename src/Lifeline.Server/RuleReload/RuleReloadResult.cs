namespace Lifeline.Server.RuleReload;

/// <summary>The outcome of one rule reload, as <c>GET /api/rules</c> and <c>POST /api/rules/reload</c> report it.</summary>
public sealed record RuleReloadResult
{
    public required DateTimeOffset At { get; init; }

    public required RuleReloadTrigger Trigger { get; init; }

    /// <summary>True when the new rules are in force; false when they had errors and the previous rules stay in force.</summary>
    public required bool Ok { get; init; }

    /// <summary>Every error found, as the loader reports them (<c>&lt;file&gt;: &lt;yaml path&gt;: &lt;reason&gt; (line N)</c>).</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Ids of the rules that are new.</summary>
    public IReadOnlyList<string> Added { get; init; } = [];

    /// <summary>Ids of the rules that are gone.</summary>
    public IReadOnlyList<string> Removed { get; init; } = [];

    /// <summary>Ids of the rules whose effective definition changed on at least one sensor, or that apply to other sensors now.</summary>
    public IReadOnlyList<string> Changed { get; init; } = [];

    /// <summary>Rule instances (sensor, rule) that kept their state (active alarm, running delays).</summary>
    public int UnchangedInstances { get; init; }

    /// <summary>Rule instances changed, disabled or removed: they start again at normal with the next reading.</summary>
    public int ResetInstances { get; init; }

    /// <summary>Active alarms cleared because their rule changed, was disabled or was removed (re-raised by the next reading if still violated).</summary>
    public int ClearedAlarms { get; init; }
}
