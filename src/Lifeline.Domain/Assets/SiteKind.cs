namespace Lifeline.Domain.Assets;

/// <summary>What kind of lifeline a site is.</summary>
public enum SiteKind
{
    /// <summary>A utility-tunnel (综合管廊) pilot project: one or more tunnels.</summary>
    TunnelProject,

    /// <summary>A sewage treatment plant.</summary>
    SewagePlant,

    /// <summary>The city gas network: gate and regulator stations.</summary>
    GasNetwork,
}
