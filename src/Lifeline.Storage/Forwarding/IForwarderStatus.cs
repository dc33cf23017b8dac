namespace Lifeline.Storage.Forwarding;

/// <summary>Reports what the storage forwarder is doing.</summary>
public interface IForwarderStatus
{
    ForwarderStatus Status { get; }
}
