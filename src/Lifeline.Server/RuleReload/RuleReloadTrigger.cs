namespace Lifeline.Server.RuleReload;

/// <summary>What started a rule reload.</summary>
public enum RuleReloadTrigger
{
    /// <summary>rules.yaml changed on disk.</summary>
    File,

    /// <summary><c>POST /api/rules/reload</c>.</summary>
    Api,
}
