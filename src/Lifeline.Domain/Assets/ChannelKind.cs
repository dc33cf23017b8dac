namespace Lifeline.Domain.Assets;

/// <summary>Whether a channel carries a number or an on/off state.</summary>
public enum ChannelKind
{
    Analog,
    Boolean,
}
