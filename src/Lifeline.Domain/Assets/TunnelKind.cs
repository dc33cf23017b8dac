namespace Lifeline.Domain.Assets;

/// <summary>Trunk (干线) or branch (支线) tunnel.</summary>
public enum TunnelKind
{
    Trunk,
    Branch,
}
